"""What the gateway's authorizer decides for every protected request, in order of cost:

1. the access token (RS256, kid, exp) — verified here, no call;
2. the `X-Tenant-ID` header, if any, must be the token's tenant (DESIGN §5: never an override);
3. the session, the user's and the tenant's state — one call to cache (one BatchGetItem there);
4. fresh permissions from rbac when the user's permission epoch moved since the token was issued, so a
   role change counts on the next request, not at token expiry;
5. the rate limits of the route's class: the caller's own bucket, then the tenant's.

A refusal is returned as the typed error, which the function turns into the exact seed 000 envelope."""

from __future__ import annotations

from collections.abc import Mapping

from functions.gateway import rate_limits
from shared import access_tokens
from shared.context import UserContext
from shared.errors import Forbidden, InvalidToken, StratusError, TenantSuspended, UserSuspended
from shared.service_client import ServiceClient

client = ServiceClient("gateway")

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
    claims = access_tokens.verify(bearer(headers))
    claimed_tenant = headers.get("x-tenant-id")
    if claimed_tenant and claimed_tenant != claims.tenant_id:
        raise Forbidden("X-Tenant-ID does not match the token's tenant", field="X-Tenant-ID")
    state = client.post(
        "cache",
        "/internal/sessions/check",
        {"tenantId": claims.tenant_id, "userId": claims.sub, "sessionId": claims.sid},
    )
    if not state.get("active"):
        kind, message = _REFUSALS.get(str(state.get("reason")), _REFUSALS["unknown"])
        raise kind(message)
    roles, permissions = claims.roles, claims.permissions
    if int(state.get("epoch", 0)) != claims.epoch:
        fresh = client.get(
            "rbac", f"/internal/users/{claims.sub}/permissions", query={"tenantId": claims.tenant_id}
        )
        roles, permissions = tuple(fresh["roles"]), tuple(fresh["permissions"])
    rate_limits.hit_principal(claims.tenant_id, "USER", claims.sub, path)
    return UserContext(
        user_id=claims.sub,
        tenant_id=claims.tenant_id,
        roles=roles,
        permissions=permissions,
        session_id=claims.sid,
    )
