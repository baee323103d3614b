"""Reads for a service acting for a user (`X-User-Context`), under the public routes' rules: roles of the
caller's tenant; users' roles — one's own, another user's with user.read (functions/rbac/assignments.py)."""

from __future__ import annotations

from functions.rbac import ports, roles
from functions.rbac.listing_models import Assignments, RoleListing
from functions.rbac.models import UserPermissions
from shared import permissions
from shared.context import require


def role_listing() -> RoleListing:
    return RoleListing(roles=roles.list_roles(require().require_user().tenant_id))


def assignments_of(user_ids: list[str]) -> Assignments:
    """Each known user's roles and effective permissions, the roles read in one batch; an id unknown here,
    or another tenant's, is simply absent."""
    caller = require().require_user()
    wanted = list(dict.fromkeys(user_ids))
    if wanted != [caller.user_id]:
        permissions.require(caller, "user.read")
    held = ports.store().users_roles(caller.tenant_id, wanted)
    return Assignments(
        users=[
            UserPermissions(
                user_id=user_id,
                roles=held[user_id],
                permissions=roles.effective_permissions(caller.tenant_id, held[user_id]),
            )
            for user_id in wanted
            if user_id in held
        ]
    )
