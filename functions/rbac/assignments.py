"""Each user's roles: the default one at creation, effective permissions, checks, and role changes.

A user's roles item exists iff the user exists in the tenant, so every read and change of an unknown (or
another tenant's) user id is 404 USER_NOT_FOUND. A change publishes `rbac.role_changed` and bumps the
user's principal epoch in cache, so the authorizer reloads the permissions on the user's next request.
"""

from __future__ import annotations

from typing import Literal

from functions.rbac import roles, store
from functions.rbac.models import (
    CheckRequest,
    CheckResult,
    TenantUserPermissions,
    UserPermissions,
    UserRoles,
)
from shared import permissions
from shared.context import UserContext
from shared.errors import UserNotFound
from shared.events import publisher
from shared.service_client import ServiceClient

client = ServiceClient("rbac")


def assign_default_role(tenant_id: str, user_id: str, user_type: str) -> UserRoles:
    """Create the user's roles item (or add the role to it: users may retry), without an event."""
    held, _ = store.add_user_role(tenant_id, user_id, user_type, create=True)
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
    store.delete_user_roles(tenant_id, user_id)


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
    held, changed = store.add_user_role(tenant_id, user_id, role, create=False)
    if held is None:
        raise UserNotFound(field="userId")
    if changed:
        _announce(tenant_id, user_id, role, "assigned", held)
    return UserRoles(user_id=user_id, roles=held)


def unassign(caller: UserContext, user_id: str, role: str) -> UserRoles:
    permissions.require(caller, "role.assign")
    tenant_id = caller.tenant_id
    # Taking a role away is managing it too: a lesser user may not strip an admin of tenant_admin.
    roles.require_grantable(caller, roles.permissions_of(tenant_id, [role]).get(role, []))
    held, changed = store.remove_user_role(tenant_id, user_id, role)
    if held is None:
        raise UserNotFound(field="userId")
    if changed:
        _announce(tenant_id, user_id, role, "removed", held)
    return UserRoles(user_id=user_id, roles=held)


def _announce(
    tenant_id: str, user_id: str, role: str, change: Literal["assigned", "removed"], held: list[str]
) -> None:
    """Bump the user's principal epoch first (so the next request reloads permissions), then publish."""
    client.post("cache", "/internal/principals/user", {"tenantId": tenant_id, "userId": user_id})
    publisher.publish(
        "rbac.role_changed",
        {
            "userId": user_id,
            "role": role,
            "change": change,
            "permissions": roles.effective_permissions(tenant_id, held),
        },
    )


def _roles_or_404(tenant_id: str, user_id: str) -> list[str]:
    held = store.user_roles(tenant_id, user_id)
    if held is None:
        raise UserNotFound(field="userId")
    return held
