"""Each user's roles: the default one at creation, effective permissions, checks, and role changes.

A user's roles item exists iff the user exists in the tenant, so every read and change of an unknown (or
another tenant's) user id is 404 USER_NOT_FOUND. A change commits `rbac.role_changed` with it (one
transaction, shared.outbox) and bumps the user's principal epoch in cache, so the authorizer reloads the
permissions on the user's next request; if cache cannot be told, the change and its event are undone and
the error answered. The event is released last: a bus outage never fails a change, nor loses its event.
"""

from __future__ import annotations

from typing import Literal

from functions.cache.client import CacheClient, UserPrincipalChange
from functions.rbac import ports, roles
from functions.rbac.manifest import SERVICE
from functions.rbac.models import (
    CheckRequest,
    CheckResult,
    TenantUserPermissions,
    UserPermissions,
    UserRoles,
)
from shared import permissions
from shared.context import UserContext
from shared.errors import ServiceUnavailable, UserNotFound
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.observability import logger

cache = CacheClient(SERVICE)
log = logger("rbac")
# A change is conditioned on the roles read; a concurrent change makes it read again this many times.
CHANGE_ATTEMPTS = 5


def assign_default_role(tenant_id: str, user_id: str, user_type: str) -> UserRoles:
    """Create the user's roles item (or add the role to it: users may retry), without an event."""
    held, _ = ports.store().add_user_role(tenant_id, user_id, user_type, create=True)
    return UserRoles(user_id=user_id, roles=held or [user_type])


def tenant_user_permissions(tenant_id: str, user_id: str) -> TenantUserPermissions:
    held = _roles_or_404(tenant_id, user_id)
    return TenantUserPermissions(
        user_id=user_id,
        tenant_id=tenant_id,
        roles=held,
        permissions=roles.effective_permissions(tenant_id, held),
    )


def check(body: CheckRequest) -> CheckResult:
    needed = f"{body.resource}.{body.action}"
    held = _roles_or_404(body.tenant_id, body.user_id)
    granted = roles.effective_permissions(body.tenant_id, held)
    return CheckResult(allowed=permissions.allows(granted, needed), permission=needed)


def forget(tenant_id: str, user_id: str) -> None:
    ports.store().delete_user_roles(tenant_id, user_id)


def user_permissions(caller: UserContext, user_id: str) -> UserPermissions:
    """Anyone may read their own; reading another user's needs user.read (within the caller's tenant)."""
    if user_id != caller.user_id:
        permissions.require(caller, "user.read")
    found = tenant_user_permissions(caller.tenant_id, user_id)
    return UserPermissions(user_id=user_id, roles=found.roles, permissions=found.permissions)


def assign(caller: UserContext, user_id: str, role: str) -> UserRoles:
    permissions.require(caller, "role.assign")
    tenant_id = caller.tenant_id
    roles.require_grantable(caller, roles.role_permissions(tenant_id, role))
    return _change(tenant_id, user_id, role, "assigned")


def unassign(caller: UserContext, user_id: str, role: str) -> UserRoles:
    permissions.require(caller, "role.assign")
    tenant_id = caller.tenant_id
    # Taking a role away is managing it too: a lesser user may not strip an admin of tenant_admin.
    roles.require_grantable(caller, roles.permissions_of(tenant_id, [role]).get(role, []))
    return _change(tenant_id, user_id, role, "removed")


def _change(tenant_id: str, user_id: str, role: str, change: Literal["assigned", "removed"]) -> UserRoles:
    """Read the roles, decide, and write the new list with its event if the list is still the one read
    (else read again). Holding the role already (or not holding a removed one) changes nothing."""
    for _ in range(CHANGE_ATTEMPTS):
        held = _roles_or_404(tenant_id, user_id)
        if (role in held) == (change == "assigned"):
            return UserRoles(user_id=user_id, roles=held)
        after = [*held, role] if change == "assigned" else [r for r in held if r != role]
        changed = publisher.build(
            "rbac.role_changed",
            {
                "userId": user_id,
                "role": role,
                "change": change,
                "permissions": roles.effective_permissions(tenant_id, after),
            },
            tenant_id=tenant_id,
        )
        if not ports.store().replace_user_roles(tenant_id, user_id, seen=held, roles=after, events=[changed]):
            continue
        try:
            cache.principals_user(UserPrincipalChange(tenant_id=tenant_id, user_id=user_id))
        except Exception:
            _undo(tenant_id, user_id, seen=after, roles=held, changed=changed)
            raise
        ports.outbox().release(changed)
        return UserRoles(user_id=user_id, roles=after)
    raise ServiceUnavailable("The user's roles kept changing; try again")


def _undo(tenant_id: str, user_id: str, *, seen: list[str], roles: list[str], changed: ServiceEvent) -> None:
    """Put the roles back and take the event out (one transaction); logged if the list moved meanwhile."""
    try:
        if ports.store().replace_user_roles(tenant_id, user_id, seen=seen, roles=roles, withdraw=[changed]):
            return
        log.error("role change not undone after cache failed", user_id=user_id, event_id=changed.id)
    except Exception:
        log.exception("role change not undone after cache failed", user_id=user_id, event_id=changed.id)


def _roles_or_404(tenant_id: str, user_id: str) -> list[str]:
    held = ports.store().user_roles(tenant_id, user_id)
    if held is None:
        raise UserNotFound(field="userId")
    return held
