"""Grants decided elsewhere (an invitation): the privilege guard on the granter, and the new user's
roles item with exactly the granted roles.

The guard is `roles.require_grantable`, the same one that protects role creation and assignment, on the
same input: the caller's permissions as the gateway's authorizer verified them (fresh from rbac when they
changed). Every permission of every role granted must be among them, else 403 `INSUFFICIENT_PERMISSIONS`."""

from __future__ import annotations

from functions.rbac import ports, roles
from functions.rbac.models import GrantCheck, GrantChecked, RolesRequest, UserRoles
from shared.context import UserContext
from shared.errors import Conflict, RoleNotFound


def _known(tenant_id: str, names: list[str]) -> dict[str, list[str]]:
    found = roles.permissions_of(tenant_id, names)
    unknown = [name for name in names if name not in found]
    if unknown:
        raise RoleNotFound(
            f"No role {unknown[0]!r} in this tenant", field="roles", details={"roles": unknown}
        )
    return found


def grant_check(body: GrantCheck) -> GrantChecked:
    """The roles' permissions if the granter holds every one of them; 404 ROLE_NOT_FOUND for a role the
    tenant does not have, 403 INSUFFICIENT_PERMISSIONS for one granting more than the granter holds."""
    names = list(dict.fromkeys(body.roles))
    found = _known(body.tenant_id, names)
    granter = UserContext(
        user_id="granter", tenant_id=body.tenant_id, permissions=tuple(body.granter_permissions)
    )
    granted = sorted({p for perms in found.values() for p in perms})
    roles.require_grantable(granter, granted)
    return GrantChecked(roles=names, permissions=granted)


def assign_roles(tenant_id: str, user_id: str, body: RolesRequest) -> UserRoles:
    """Create the user's roles item holding exactly `roles` (a user made from an invitation). Asking
    again with the same roles answers the same (users may retry); a user who already has other roles is
    409: this route makes a new user's item, it never changes one."""
    names = list(dict.fromkeys(body.roles))
    _known(tenant_id, names)
    if not ports.store().put_user_roles(tenant_id, user_id, names):
        raise Conflict("The user already has roles", field="userId")
    return UserRoles(user_id=user_id, roles=names)
