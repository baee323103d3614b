"""Access tokens: RS256 JWTs with a `kid`, so that API Gateway's JWT authorizer or anyone holding the JWKS
can verify them. Only auth signs; the authorizer verifies. Claims: sub, tenantId, roles, permissions, sid,
epoch (the permission version they were issued under), iat, exp."""

from __future__ import annotations

import json
import time
import uuid
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.config import settings
from shared.errors import InvalidToken, TokenExpired
from shared.models import CamelModel

ISSUER = "stratus"
AUDIENCE = "stratus-api"


class AccessClaims(CamelModel):
    model_config = ConfigDict(frozen=True)

    sub: str
    tenant_id: str = Field(alias="tenantId")
    roles: tuple[str, ...] = ()
    permissions: tuple[str, ...] = ()
    sid: str
    epoch: int = 0
    iat: int = 0
    exp: int = 0


def generate_private_key_pem() -> str:
    """A fresh RSA key (the local runner makes one per run; deployments store theirs as a secret)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@cache
def _private_key(pem: str) -> Any:
    return serialization.load_pem_private_key(pem.encode(), password=None)


def _active_pem() -> str:
    pem = settings().jwt_private_key
    if not pem:
        raise RuntimeError("no signing key: set STRATUS_JWT_PRIVATE_KEY")
    return pem


def issue(claims: AccessClaims) -> tuple[str, int]:
    """Sign `claims` (iat/exp set here); returns the token and its lifetime in seconds."""
    cfg = settings()
    now = int(time.time())
    body = claims.model_dump(by_alias=True) | {
        "iat": now,
        "exp": now + cfg.access_token_ttl_seconds,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "jti": uuid.uuid4().hex,
        "roles": list(claims.roles),
        "permissions": list(claims.permissions),
    }
    return _sign(body), cfg.access_token_ttl_seconds


def _sign(body: dict[str, Any]) -> str:
    return jwt.encode(
        body, _private_key(_active_pem()), algorithm="RS256", headers={"kid": settings().jwt_kid}
    )


def jwks() -> dict[str, Any]:
    """The public keys that verify access tokens: the active one, then any previous ones."""
    cfg = settings()
    if not cfg.jwt_private_key and cfg.jwt_public_jwks:
        published: dict[str, Any] = json.loads(cfg.jwt_public_jwks)
        return published
    active = json.loads(RSAAlgorithm.to_jwk(_private_key(_active_pem()).public_key()))
    keys = [active | {"kid": cfg.jwt_kid, "use": "sig", "alg": "RS256"}]
    if cfg.jwt_previous_jwks:
        keys.extend(json.loads(cfg.jwt_previous_jwks).get("keys", []))
    return {"keys": keys}


@cache
def _keys_from(active_pem: str | None, kid: str, jwks_json: str | None) -> dict[str, Any]:
    keys = {
        jwk["kid"]: RSAAlgorithm.from_jwk(json.dumps(jwk))
        for jwk in json.loads(jwks_json or "{}").get("keys", [])
    }
    if active_pem:
        keys[kid] = _private_key(active_pem).public_key()
    return keys


def _verification_keys() -> dict[str, Any]:
    """Verifiers need only public keys: STRATUS_JWT_PUBLIC_JWKS where the private key is not given (every
    deployed function but auth's signers); locally, the key pair's public half and any previous keys."""
    cfg = settings()
    if cfg.jwt_private_key:
        return _keys_from(cfg.jwt_private_key, cfg.jwt_kid, cfg.jwt_previous_jwks)
    if cfg.jwt_public_jwks:
        return _keys_from(None, cfg.jwt_kid, cfg.jwt_public_jwks)
    raise RuntimeError("no verification keys: set STRATUS_JWT_PUBLIC_JWKS (or STRATUS_JWT_PRIVATE_KEY)")


def _decode(
    token: str,
    *,
    audience: str,
    require: list[str],
    unknown_key: str,
    expired: str | None,
    invalid: str | None,
) -> dict[str, Any]:
    """Verify an RS256 token against the known kids; the messages say which kind of token failed."""
    try:
        kid = str(jwt.get_unverified_header(token).get("kid") or "")
        key = _verification_keys().get(kid)
        if key is None:
            raise InvalidToken(unknown_key)
        body: dict[str, Any] = jwt.decode(
            token, key, algorithms=["RS256"], audience=audience, issuer=ISSUER, options={"require": require}
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpired(expired) from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(invalid) from exc
    return body


def verify(token: str | None) -> AccessClaims:
    """The claims of a valid access token, or `InvalidToken` / `TokenExpired`. Only RS256 with a known kid
    is accepted: `alg: none`, HS256 with the public key as secret, and unknown kids are refused."""
    if not token:
        raise InvalidToken("A bearer access token is required")
    body = _decode(
        token,
        audience=AUDIENCE,
        require=["exp", "iat", "sub", "sid"],
        unknown_key="The token was signed by an unknown key",
        expired=None,
        invalid=None,
    )
    try:
        return AccessClaims.model_validate(body)
    except ValidationError as exc:  # signed by us but not an access token (a system token, say)
        raise InvalidToken() from exc


SYSTEM_TTL_SECONDS = 300


class SystemClaims(BaseModel):
    model_config = ConfigDict(frozen=True)

    sub: str  # the job or service the token was issued to
    operation: str
    iat: int = 0
    exp: int = 0


def issue_system(service_id: str, operation: str) -> tuple[str, int]:
    """A short-lived token for scheduled jobs (`X-System-Token`), signed like access tokens but typed
    `system`, so one can never pass for the other."""
    now = int(time.time())
    body = {
        "sub": service_id,
        "operation": operation,
        "typ": "system",
        "iat": now,
        "exp": now + SYSTEM_TTL_SECONDS,
        "iss": ISSUER,
        "aud": f"{AUDIENCE}:system",
        "jti": uuid.uuid4().hex,
    }
    return _sign(body), SYSTEM_TTL_SECONDS


def verify_system(token: str | None) -> SystemClaims:
    if not token:
        raise InvalidToken("A system token is required", field="X-System-Token")
    body = _decode(
        token,
        audience=f"{AUDIENCE}:system",
        require=[],
        unknown_key="The system token was signed by an unknown key",
        expired="The system token has expired",
        invalid="The system token is not valid",
    )
    if body.get("typ") != "system":
        raise InvalidToken("Not a system token")
    try:
        return SystemClaims.model_validate(body)
    except ValidationError as exc:
        raise InvalidToken("Not a system token") from exc


# --- app tokens: what the platform sends an external app with each request it forwards ----------------
APP_TTL_SECONDS = 120


class AppClaims(CamelModel):
    """Who the platform forwards a request for: the verified caller (a user, an API key, or `anonymous` on
    an app's public endpoint) in a tenant. Audience = the app's name."""

    model_config = ConfigDict(frozen=True)

    sub: str
    tenant_id: str = Field(alias="tenantId")
    permissions: tuple[str, ...] = ()
    aud: str
    iat: int = 0
    exp: int = 0


def issue_app(app: str, subject: str, tenant_id: str, permissions: tuple[str, ...] = ()) -> str:
    """A short-lived RS256 token for `app` (its audience), signed with the access-token key and typed
    `app`: it can never pass for an access token (other audience), nor be used at another app."""
    now = int(time.time())
    body = {
        "sub": subject,
        "tenantId": tenant_id,
        "permissions": list(permissions),
        "typ": "app",
        "iat": now,
        "exp": now + APP_TTL_SECONDS,
        "iss": ISSUER,
        "aud": app,
        "jti": uuid.uuid4().hex,
    }
    return _sign(body)


def verify_app(token: str | None, app: str, jwks_document: dict[str, Any] | None = None) -> AppClaims:
    """For an app: the claims of a token the platform sent it, verified with the platform's JWKS
    (`GET /.well-known/jwks.json`, passed as `jwks_document`; this deployment's keys when omitted).
    Raises `InvalidToken` / `TokenExpired` for a forged, foreign, expired or mistyped token."""
    if not token:
        raise InvalidToken("An app token is required")
    try:
        kid = str(jwt.get_unverified_header(token).get("kid") or "")
        if jwks_document is None:
            key = _verification_keys().get(kid)
        else:
            found = [k for k in jwks_document.get("keys", []) if k.get("kid") == kid]
            key = RSAAlgorithm.from_jwk(json.dumps(found[0])) if found else None
        if key is None:
            raise InvalidToken("The app token was signed by an unknown key")
        body: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=app,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "aud"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpired("The app token has expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken("The app token is not valid") from exc
    if body.get("typ") != "app":
        raise InvalidToken("Not an app token")
    try:
        return AppClaims.model_validate(body)
    except ValidationError as exc:
        raise InvalidToken("Not an app token") from exc
