"""What the provider signs and verifies, with the platform's access-token key (the JWKS at
`/.well-known/jwks.json` verifies all of it):

- access tokens: RFC 9068 JWTs (header `typ: at+jwt`) made by authlib's `JWTBearerTokenGenerator`:
  `iss` the issuer, `aud` and `client_id` the client, `sub` the user (or the client itself for
  client_credentials), `scope`, and for a user `tenant_id` and `sid` (the grant, so a revoked grant's
  tokens stop at userinfo at once). Their audience is never `stratus-api`, so the platform's own API
  refuses them (they are for the app and userinfo only);
- ID tokens: authlib's `OpenIDCode` signs them with the same key (`kid` in the header).

The issuer: metadata.issuer.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from shared import access_tokens
from shared.config import settings
from shared.errors import InvalidToken, TokenExpired

ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 - RFC 9068 header type


@cache
def _signing_keys(pem: str, kid: str) -> KeySet:
    return KeySet([RSAKey.import_key(pem, {"kid": kid, "use": "sig", "alg": "RS256"})])


def signing_keys() -> KeySet:
    """The active access-token key as a key set (joserfc then puts its `kid` in every header)."""
    cfg = settings()
    if not cfg.jwt_private_key:
        raise RuntimeError("no signing key: set STRATUS_JWT_PRIVATE_KEY")
    return _signing_keys(cfg.jwt_private_key, cfg.jwt_kid)


@cache
def _verification_keys(jwks_json: str) -> KeySet:
    return KeySet.import_key_set(json.loads(jwks_json))


def verification_keys() -> KeySet:
    return _verification_keys(json.dumps(access_tokens.jwks(), sort_keys=True))


class AccessTokenGenerator(JWTBearerTokenGenerator):  # type: ignore[misc]
    """authlib's RFC 9068 generator with the platform's key and the user's tenant and grant."""

    def get_jwks(self) -> KeySet:
        return signing_keys()

    def get_extra_claims(self, client: Any, grant_type: str, user: Any, scope: str) -> dict[str, Any]:
        if user is None:
            return {}
        return {"tenant_id": user.tenant_id, "sid": user.grant_id}


def generator(issuer_url: str) -> AccessTokenGenerator:
    return AccessTokenGenerator(
        issuer_url,
        refresh_token_generator=None,  # refresh tokens are made by the grants that store them (grants.py)
        expires_generator=lambda client, grant_type: settings().access_token_ttl_seconds,
    )


def verify_access_token(token: str | None, issuer_url: str) -> dict[str, Any]:
    """The claims of an access token this provider issued (RS256, a known kid, `typ: at+jwt`, our issuer,
    not expired, `aud` = its `client_id`); `InvalidToken` / `TokenExpired` otherwise."""
    if not token:
        raise InvalidToken("A bearer OAuth access token is required")
    try:
        decoded = jwt.decode(token, verification_keys(), algorithms=["RS256"])
    except (JoseError, ValueError) as exc:
        raise InvalidToken("The access token is not valid") from exc
    claims = dict(decoded.claims)
    if str(decoded.header.get("typ", "")).lower() != ACCESS_TOKEN_TYPE:
        raise InvalidToken("Not an OAuth access token")
    registry = jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer_url},
        exp={"essential": True},
        sub={"essential": True},
        client_id={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        if getattr(exc, "error", "") == "expired_token":
            raise TokenExpired("The access token has expired") from exc
        raise InvalidToken("The access token is not valid") from exc
    if claims.get("aud") != claims.get("client_id"):
        raise InvalidToken("The access token is not valid")
    return claims
