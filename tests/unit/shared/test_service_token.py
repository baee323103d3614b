"""Service tokens: signed, short-lived, bound to the callee. Each attack is refused."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from shared import service_token
from shared.config import settings
from shared.declarations import Layer
from shared.errors import InvalidToken, TokenExpired


def test_a_token_names_its_caller_and_its_layer_to_its_audience() -> None:
    token = service_token.issue("gateway", audience="users", layer=Layer.APPLICATION)
    verified = service_token.verify(token, audience="users", claimed_caller="gateway")
    assert verified == service_token.ServiceCaller("gateway", Layer.APPLICATION)


def test_a_token_without_a_layer_says_so() -> None:
    token = service_token.issue("gateway", audience="users")
    assert service_token.verify(token, audience="users").layer is None


def test_a_token_naming_a_nonsense_layer_is_refused() -> None:
    claims = {"iss": "stratus:gateway", "aud": "stratus:users", "iat": int(time.time())}
    claims |= {"exp": int(time.time()) + 60, "lyr": "application"}
    token = jwt.encode(claims, settings().service_token_secret, algorithm="HS256")
    with pytest.raises(InvalidToken):
        service_token.verify(token, audience="users")


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
    first = service_token.for_call("gateway", "users", layer=Layer.APPLICATION)
    assert service_token.for_call("gateway", "users", layer=Layer.APPLICATION) == first
    assert service_token.for_call("gateway", "tenants", layer=Layer.APPLICATION) != first
    assert service_token.for_call("gateway", "users") != first  # another layer claim, another token


def test_a_token_cached_under_a_clock_in_the_future_is_not_sent_once_the_clock_is_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a token cached while the clock read an hour ahead (a test's fake time, a corrected host clock)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3600)
    ahead = service_token.for_call("files", "tenants", layer=Layer.APPLICATION)
    monkeypatch.setattr(time, "time", real)
    # WHEN the same call is made at the real time  THEN a fresh token goes out, and it verifies
    now = service_token.for_call("files", "tenants", layer=Layer.APPLICATION)
    assert now != ahead
    assert service_token.verify(now, audience="tenants").name == "files"


def test_a_changed_secret_never_reuses_a_token_signed_with_the_old_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = service_token.for_call("files", "tenants", layer=Layer.APPLICATION)
    monkeypatch.setenv("STRATUS_SERVICE_TOKEN_SECRET", "another-secret-of-at-least-32-bytes!!")
    settings.cache_clear()
    second = service_token.for_call("files", "tenants", layer=Layer.APPLICATION)
    assert second != first
    assert service_token.verify(second, audience="tenants").name == "files"
