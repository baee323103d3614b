"""Service tokens: signed, short-lived, bound to the callee. Each attack is refused."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from shared import service_token
from shared.errors import InvalidToken, TokenExpired


def test_a_token_names_its_caller_to_its_audience() -> None:
    token = service_token.issue("gateway", audience="users")
    assert service_token.verify(token, audience="users", claimed_caller="gateway") == "gateway"


def test_a_token_for_one_service_is_refused_by_another() -> None:
    token = service_token.issue("gateway", audience="users")
    with pytest.raises(InvalidToken):
        service_token.verify(token, audience="tenants")


def test_an_expired_token_is_token_expired() -> None:
    token = service_token.issue("gateway", audience="users", ttl_seconds=-30)
    with pytest.raises(TokenExpired):
        service_token.verify(token, audience="users")


def test_a_token_signed_with_another_secret_is_refused() -> None:
    now = int(time.time())
    forged = jwt.encode(
        {"iss": "stratus:gateway", "aud": "stratus:users", "iat": now, "exp": now + 60},
        "an-attacker-guess-of-the-secret-key",
        algorithm="HS256",
    )
    with pytest.raises(InvalidToken):
        service_token.verify(forged, audience="users")


def test_an_unsigned_alg_none_token_is_refused() -> None:
    now = int(time.time())
    claims = {"iss": "stratus:gateway", "aud": "stratus:users", "iat": now, "exp": now + 60}

    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    unsigned = f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."
    with pytest.raises(InvalidToken):
        service_token.verify(unsigned, audience="users")


def test_a_tampered_payload_is_refused() -> None:
    header, _, signature = service_token.issue("gateway", audience="users").split(".")
    now = int(time.time())
    payload = (
        base64.urlsafe_b64encode(
            json.dumps({"iss": "stratus:auth", "aud": "stratus:users", "iat": now, "exp": now + 60}).encode()
        )
        .decode()
        .rstrip("=")
    )
    with pytest.raises(InvalidToken):
        service_token.verify(f"{header}.{payload}.{signature}", audience="users")


def test_no_token_is_refused() -> None:
    with pytest.raises(InvalidToken):
        service_token.verify(None, audience="users")


def test_cached_tokens_are_reused_until_near_expiry() -> None:
    first = service_token.for_call("gateway", "users")
    assert service_token.for_call("gateway", "users") == first
    assert service_token.for_call("gateway", "tenants") != first
