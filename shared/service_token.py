"""Service tokens: signed (HS256), short-lived, audience-bound JWTs that prove which service is calling.

A token for `users` is refused by `tenants`: the audience is the callee's name.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from shared.config import settings
from shared.errors import InvalidToken, TokenExpired

_ISSUER_PREFIX = "stratus:"
_LEEWAY_SECONDS = 5
_cache: dict[tuple[str, str], tuple[str, float]] = {}
_lock = threading.Lock()


def _jwt() -> Any:
    """PyJWT, imported on first use: it loads `cryptography` (~45 ms), which a function that never calls
    another service — most public routes, whose caller the authorizer has already checked — never needs."""
    import jwt

    return jwt


def _secret() -> str:
    secret = settings().service_token_secret
    if not secret:
        raise RuntimeError("STRATUS_SERVICE_TOKEN_SECRET is not set (the deployment provides it)")
    return secret


def _audience(service: str) -> str:
    return f"{_ISSUER_PREFIX}{service}"


def issue(caller: str, audience: str, *, ttl_seconds: int | None = None) -> str:
    cfg = settings()
    now = int(time.time())
    claims = {
        "iss": _audience(caller),
        "aud": _audience(audience),
        "iat": now,
        "exp": now + (ttl_seconds or cfg.service_token_ttl_seconds),
        "jti": uuid.uuid4().hex,
    }
    return str(_jwt().encode(claims, _secret(), algorithm="HS256"))


def for_call(caller: str, audience: str) -> str:
    """A cached token for `caller` → `audience`, renewed when less than a third of its life is left."""
    key = (caller, audience)
    now = time.time()
    with _lock:
        cached = _cache.get(key)
        if cached and cached[1] > now:
            return cached[0]
        ttl = settings().service_token_ttl_seconds
        token = issue(caller, audience, ttl_seconds=ttl)
        _cache[key] = (token, now + ttl * 2 / 3)
        return token


def verify(token: str | None, *, audience: str, claimed_caller: str | None = None) -> str:
    """Return the calling service's name, or raise `InvalidToken`/`TokenExpired`."""
    if not token:
        raise InvalidToken("A service token is required", field="X-Service-Token")
    jwt = _jwt()
    try:
        claims = jwt.decode(
            token,
            _secret(),
            algorithms=["HS256"],
            audience=_audience(audience),
            leeway=_LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "iat", "exp"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpired("The service token has expired", field="X-Service-Token") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(
            "The service token is not valid for this service", field="X-Service-Token"
        ) from exc
    issuer = str(claims["iss"])
    if not issuer.startswith(_ISSUER_PREFIX):
        raise InvalidToken("The service token has an unknown issuer", field="X-Service-Token")
    caller = issuer.removeprefix(_ISSUER_PREFIX)
    if claimed_caller and claimed_caller != caller:
        raise InvalidToken("X-Service-Name does not match the service token", field="X-Service-Name")
    return caller
