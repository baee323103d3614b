"""Service tokens: signed (HS256), short-lived, audience-bound JWTs that prove which service is calling.

A token for `users` is refused by `tenants`: the audience is the callee's name. It also carries the
caller's layer (`lyr`, shared.declarations.Layer), so that the callee refuses a caller that is not above
it (shared.http_app): the layering `stratus check` verifies in the declarations also holds at run time.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from shared.config import settings
from shared.errors import InvalidToken, TokenExpired

_ISSUER_PREFIX = "stratus:"
_LEEWAY_SECONDS = 5
_LAYER_CLAIM = "lyr"
_cache: dict[tuple[str, str, int | None, str], tuple[str, float, float]] = {}  # token, issued, renew
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


@dataclass(frozen=True)
class ServiceCaller:
    """Who a verified service token says is calling: the service and its layer (None: the token names no
    layer, so only the caller's own service accepts it)."""

    name: str
    layer: int | None


def issue(caller: str, audience: str, *, layer: int | None = None, ttl_seconds: int | None = None) -> str:
    cfg = settings()
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": _audience(caller),
        "aud": _audience(audience),
        "iat": now,
        "exp": now + (ttl_seconds or cfg.service_token_ttl_seconds),
        "jti": uuid.uuid4().hex,
    }
    if layer is not None:
        claims[_LAYER_CLAIM] = int(layer)
    return str(_jwt().encode(claims, _secret(), algorithm="HS256"))


def for_call(caller: str, audience: str, *, layer: int | None = None) -> str:
    """A cached token for `caller` → `audience`, renewed when less than a third of its life is left. The
    cache is keyed by the secret too: a process whose secret changes (a local platform restored from its
    state) never sends a token signed with the old one. A token is reused only between its issue and its
    renewal time, so a clock that jumped back (a test's fake time) never sends one "issued" in the future."""
    key = (caller, audience, None if layer is None else int(layer), _secret())
    now = time.time()
    with _lock:
        cached = _cache.get(key)
        if cached and cached[1] <= now < cached[2]:
            return cached[0]
        ttl = settings().service_token_ttl_seconds
        token = issue(caller, audience, layer=layer, ttl_seconds=ttl)
        _cache[key] = (token, float(int(now)), now + ttl * 2 / 3)
        return token


def verify(token: str | None, *, audience: str, claimed_caller: str | None = None) -> ServiceCaller:
    """Return the calling service (name and layer), or raise `InvalidToken`/`TokenExpired`."""
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
    layer = claims.get(_LAYER_CLAIM)
    if layer is not None and (type(layer) is not int or layer < 0):
        raise InvalidToken("The service token names no valid layer", field="X-Service-Token")
    return ServiceCaller(caller, layer)
