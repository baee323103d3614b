"""jwks: public, raw JSON (not an envelope), cacheable, only public key material, verifies our tokens."""

from __future__ import annotations

import json

import jwt
import pytest
from jwt.algorithms import RSAAlgorithm

from functions.auth import jwks, verify_token
from shared import access_tokens
from shared.access_tokens import AccessClaims
from shared.adapters.lambda_events import http_event
from shared.config import settings
from tests.unit.functions.auth.conftest import CTX, body, call

CLAIMS = AccessClaims(sub="u_1", tenant_id="acme-corp", roles=("member",), sid="s_1", epoch=2)


def fetch() -> dict[str, object]:
    # Anyone may fetch it: no service token, no user.
    result: dict[str, object] = jwks.handler(http_event("GET", "/.well-known/jwks.json"), CTX)
    return result


def test_the_jwks_is_public_raw_json_and_cacheable() -> None:
    result = fetch()
    assert result["statusCode"] == 200
    headers = {k.lower(): v for k, v in result["headers"].items()}  # type: ignore[attr-defined]
    assert headers["content-type"] == "application/json"
    assert headers["cache-control"] == "max-age=300"
    document = body(result)
    assert set(document) == {"keys"}  # the JWKS itself, not seed 000's envelope


def test_it_holds_one_rs256_public_key_under_the_configured_kid() -> None:
    [key] = body(fetch())["keys"]
    assert key["kid"] == settings().jwt_kid
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    # Only the public half: no private exponent or primes ever leave the service.
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_its_key_verifies_an_issued_token() -> None:
    # GIVEN a token auth issued and the published JWKS (as a third-party verifier would fetch it)
    token, _ = access_tokens.issue(CLAIMS)
    keys = jwt.PyJWKSet.from_dict(body(fetch()))
    kid = jwt.get_unverified_header(token)["kid"]
    # WHEN verified with the key of the token's kid  THEN the claims are ours
    claims = jwt.decode(
        token, keys[kid].key, algorithms=["RS256"], audience=access_tokens.AUDIENCE, issuer="stratus"
    )
    assert (claims["sub"], claims["tenantId"], claims["sid"]) == ("u_1", "acme-corp", "s_1")


def test_after_a_key_rotation_both_keys_are_published_and_old_tokens_still_verify(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a token signed by the previous key, which is now retired to the previous JWKS
    old_pem = settings().jwt_private_key or ""
    old_token, _ = access_tokens.issue(CLAIMS)
    old_public = json.loads(
        RSAAlgorithm.to_jwk(RSAAlgorithm(RSAAlgorithm.SHA256).prepare_key(old_pem).public_key())  # type: ignore[union-attr]
    )
    previous = {"keys": [old_public | {"kid": settings().jwt_kid, "alg": "RS256", "use": "sig"}]}
    monkeypatch.setenv("STRATUS_JWT_PRIVATE_KEY", access_tokens.generate_private_key_pem())
    monkeypatch.setenv("STRATUS_JWT_KID", "stratus-2")
    monkeypatch.setenv("STRATUS_JWT_PREVIOUS_JWKS", json.dumps(previous))
    settings.cache_clear()
    # WHEN the JWKS is fetched  THEN the new key comes first, then the previous one
    assert [k["kid"] for k in body(fetch())["keys"]] == ["stratus-2", "stratus-1"]
    # AND a token from before the rotation still verifies
    result = call(verify_token, {"token": old_token})
    assert result["statusCode"] == 200
    assert body(result)["data"]["userId"] == "u_1"
