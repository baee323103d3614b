"""verify-token: only RS256 access tokens signed by our key (known kid, right audience, unexpired) pass."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from functions.auth import verify_token
from shared import access_tokens
from shared.access_tokens import AccessClaims
from shared.config import settings
from tests.unit.functions.auth.conftest import body, call, error_of

CLAIMS = AccessClaims(
    sub="u_123",
    tenant_id="acme-corp",
    roles=("member",),
    permissions=("user.read",),
    sid="s_abc",
    epoch=7,
)


def verify(token: str) -> dict[str, Any]:
    return call(verify_token, {"token": token})


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def forge(header: dict[str, Any], payload: dict[str, Any], sign: Any = None) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = sign(signing_input.encode()) if sign else b""
    return f"{signing_input}.{b64(signature)}"


def valid_payload() -> dict[str, Any]:
    now = int(time.time())
    return {
        "sub": "u_123",
        "tenantId": "acme-corp",
        "roles": ["tenant_admin"],
        "permissions": ["*"],
        "sid": "s_abc",
        "epoch": 0,
        "iat": now,
        "exp": now + 600,
        "iss": access_tokens.ISSUER,
        "aud": access_tokens.AUDIENCE,
    }


def private_key() -> Any:
    return serialization.load_pem_private_key(str(settings().jwt_private_key).encode(), password=None)


def assert_refused(result: dict[str, Any], code: str = "INVALID_TOKEN") -> None:
    assert result["statusCode"] == 401
    assert error_of(result)["code"] == code
    assert "data" not in body(result)


def test_a_valid_token_gives_its_claims() -> None:
    # GIVEN a token auth issued  WHEN verified
    token, _ = access_tokens.issue(CLAIMS)
    result = verify(token)
    # THEN 200 with the claims under the contract's names
    assert result["statusCode"] == 200
    data = body(result)["data"]
    exp = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert data == {
        "userId": "u_123",
        "tenantId": "acme-corp",
        "roles": ["member"],
        "permissions": ["user.read"],
        "sessionId": "s_abc",
        "epoch": 7,
        "expiresAt": exp,
    }


def test_a_token_signed_by_another_key_is_refused() -> None:
    # GIVEN a well-formed token with our kid but signed by an attacker's RSA key
    other = serialization.load_pem_private_key(
        access_tokens.generate_private_key_pem().encode(), password=None
    )
    token = jwt.encode(valid_payload(), other, algorithm="RS256", headers={"kid": settings().jwt_kid})  # type: ignore[arg-type]
    assert_refused(verify(token))


def test_control_a_hand_built_rs256_token_signed_by_our_key_passes() -> None:
    # The forging helper below is sound: the refusals that follow are for the algorithm or key alone.
    key = private_key()
    token = forge(
        {"alg": "RS256", "typ": "JWT", "kid": settings().jwt_kid},
        valid_payload(),
        lambda signing_input: key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256()),
    )
    assert verify(token)["statusCode"] == 200


def test_an_alg_none_token_is_refused() -> None:
    token = forge({"alg": "none", "typ": "JWT", "kid": settings().jwt_kid}, valid_payload())
    assert_refused(verify(token))


def test_an_hs256_token_signed_with_the_public_key_pem_is_refused() -> None:
    # GIVEN the classic key-confusion attack: HMAC keyed with our (public) RSA key
    public_pem = (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    token = forge(
        {"alg": "HS256", "typ": "JWT", "kid": settings().jwt_kid},
        valid_payload(),
        lambda signing_input: hmac.new(public_pem, signing_input, hashlib.sha256).digest(),
    )
    assert_refused(verify(token))


def test_an_expired_token_is_401_token_expired(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a token issued with a lifetime that ended a minute ago
    monkeypatch.setenv("STRATUS_ACCESS_TOKEN_TTL", "-60")
    settings.cache_clear()
    token, _ = access_tokens.issue(CLAIMS)
    # WHEN verified  THEN 401 TOKEN_EXPIRED (not INVALID_TOKEN: the client should refresh)
    assert_refused(verify(token), "TOKEN_EXPIRED")


def test_a_token_with_an_unknown_kid_is_refused() -> None:
    token = jwt.encode(valid_payload(), private_key(), algorithm="RS256", headers={"kid": "stolen-1"})
    assert_refused(verify(token))


def test_a_token_without_a_kid_is_refused() -> None:
    assert_refused(verify(jwt.encode(valid_payload(), private_key(), algorithm="RS256")))


def test_a_tampered_payload_is_refused() -> None:
    # GIVEN a genuine token whose payload is swapped for another tenant's, keeping the signature
    token, _ = access_tokens.issue(CLAIMS)
    header, _, signature = token.split(".")
    forged = valid_payload() | {"tenantId": "victim-corp"}
    assert_refused(verify(f"{header}.{b64(json.dumps(forged).encode())}.{signature}"))


@pytest.mark.parametrize(
    "change",
    [{"aud": "someone-else"}, {"iss": "evil"}, {"aud": f"{access_tokens.AUDIENCE}:system"}],
)
def test_a_token_for_another_audience_or_issuer_is_refused(change: dict[str, str]) -> None:
    token = jwt.encode(
        valid_payload() | change, private_key(), algorithm="RS256", headers={"kid": settings().jwt_kid}
    )
    assert_refused(verify(token))


def test_a_token_of_the_wrong_shape_is_refused_not_a_500() -> None:
    # GIVEN a token we signed that has every required claim but no tenant
    payload = {k: v for k, v in valid_payload().items() if k != "tenantId"}
    token = jwt.encode(payload, private_key(), algorithm="RS256", headers={"kid": settings().jwt_kid})
    assert_refused(verify(token))


def test_a_system_token_is_not_an_access_token() -> None:
    system, _ = access_tokens.issue_system("files-purge", "purge")
    assert_refused(verify(system))


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x.y.z", "."])
def test_garbage_is_401_invalid_token(garbage: str) -> None:
    assert_refused(verify(garbage))


def test_a_missing_token_field_is_400() -> None:
    result = call(verify_token, {})
    assert result["statusCode"] == 400
    assert error_of(result)["field"] == "token"
