"""What the gateway's authorizer decides for every protected request, in order of cost:

1. the access token (RS256, kid, exp) — verified here, no call;
2. the `X-Tenant-ID` header, if any, must be the token's tenant (DESIGN §5: never an override);
3. the session, the user's and the tenant's state, and the rate limits of the route's class (the caller's
   own bucket, then the tenant's) — one call to cache, one TransactWriteItems there in the common case
   (functions/cache/admission.py);
4. fresh permissions from rbac when the user's permission epoch moved since the token was issued, so a
   role change counts on the next request, not at token expiry.

A request with `X-API-Key` instead of a bearer token takes `api_keys.authenticate`: one GetItem on the
key's hash, the tenant's state, the key's own rate limit; no session.

A refusal is returned as the typed error, which the function turns into the exact seed 000 envelope."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from functions.cache.client import CacheClient, RateBucket, SessionRef
from functions.gateway import api_keys, rate_limits
from functions.gateway.manifest import SERVICE
from functions.rbac.client import RbacClient
from shared import access_tokens
from shared.context import Headers, UserContext
from shared.errors import InvalidToken, StratusError, TenantSuspended, UserSuspended
from shared.tenant_header import require_credential_tenant

cache = CacheClient(SERVICE)
rbac = RbacClient(SERVICE)

# Why cache said a session is unusable → the error the client gets (built per request: an exception
# object raised from many requests at once would share its traceback and headers).
_REFUSALS: dict[str, tuple[type[StratusError], str | None]] = {
    "revoked": (InvalidToken, "The session has ended"),
    "expired": (InvalidToken, "The session has expired"),
    "unknown": (InvalidToken, "The session has ended"),
    "user_deleted": (InvalidToken, "The user no longer exists"),
    "user_suspended": (UserSuspended, None),
    "tenant_suspended": (TenantSuspended, None),
}


def bearer(headers: Mapping[str, str]) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def authorize(headers: Mapping[str, str], path: str) -> UserContext:
    api_key = headers.get("x-api-key")
    if api_key is not None:  # a machine client: the key instead of a token (api_keys.authenticate)
        if bearer(headers):
            raise InvalidToken("Send a bearer token or an API key, not both")
        return api_keys.authenticate(api_key, headers.get(Headers.TENANT_ID), path)
    claims = access_tokens.verify(bearer(headers))
    require_credential_tenant(headers.get(Headers.TENANT_ID), claims.tenant_id)
    buckets = rate_limits.principal_buckets("USER", claims.sub, path)
    try:
        session = SessionRef(
            tenant_id=claims.tenant_id,
            user_id=claims.sub,
            session_id=claims.sid,
            epoch=claims.epoch,
            buckets=[
                RateBucket(parts=list(b.parts), limit=b.limit, window_seconds=b.window_seconds, scope=b.scope)
                for b in buckets
            ],
        )
    except ValidationError:  # signed, but naming no session cache could have opened
        raise InvalidToken("The access token names no valid session") from None
    state = cache.sessions_check(session)
    if not state.active:
        kind, message = _REFUSALS.get(state.reason or "unknown", _REFUSALS["unknown"])
        raise kind(message)
    if state.limited is not None:
        raise rate_limits.refusal(
            state.limited, state.limit or 0, state.window_seconds or 0, state.retry_after or 1
        )
    roles, permissions = claims.roles, claims.permissions
    if state.epoch != claims.epoch:
        fresh = rbac.user_permissions_internal(claims.sub, tenant_id=claims.tenant_id)
        roles, permissions = tuple(fresh.roles), tuple(fresh.permissions)
    if not state.counted:  # a cache that does not count yet (a deploy in progress): the gateway's own
        rate_limits.hit_principal(claims.tenant_id, "USER", claims.sub, path)
    return UserContext(
        user_id=claims.sub,
        tenant_id=claims.tenant_id,
        roles=roles,
        permissions=permissions,
        session_id=claims.sid,
    )
