"""The tenant's role catalog: built-in roles (answered without being stored) and the tenant's own.

`tenant_admin` is immutable; `member` may be overridden by storing it (the stored item wins).
"""

from __future__ import annotations

from collections.abc import Iterable

from functions.rbac import ports
from functions.rbac.models import NewRole, Role, RoleUpdate
from shared import permissions
from shared.context import UserContext
from shared.errors import Conflict, Forbidden, InsufficientPermissions, RoleNotFound
from shared.ttl_cache import TTLCache

# Role *definitions* change rarely: each container keeps them a few seconds (bounded, per tenant and name),
# so a definition edited in one container may reach another up to DEFINITION_TTL later. Who holds which
# role is never cached: an assignment counts on the user's next request.
DEFINITION_TTL = 5.0
_definitions: TTLCache[tuple[str, str], list[str] | None] = TTLCache(maxsize=4096, ttl=DEFINITION_TTL)

TENANT_ADMIN = "tenant_admin"
MEMBER = "member"
# Permission lists are kept sorted everywhere (stored ones are sorted on write).
BUILTIN: dict[str, list[str]] = {
    TENANT_ADMIN: ["*"],
    MEMBER: ["file.read", "file.upload", "notification.read", "user.read"],
}


def list_roles(tenant_id: str) -> list[Role]:
    """Built-in roles first (with a tenant's override of `member`), then the tenant's own, by name."""
    stored = {role.name: role for role in ports.store().stored_roles(tenant_id)}
    builtin = [
        Role(name=name, permissions=_builtin_permissions(name, stored), builtin=True) for name in BUILTIN
    ]
    custom = [
        Role(name=name, permissions=role.permissions, builtin=False)
        for name, role in sorted(stored.items())
        if name not in BUILTIN
    ]
    return builtin + custom


def permissions_of(tenant_id: str, names: Iterable[str]) -> dict[str, list[str]]:
    """Each known role's permissions; unknown (or deleted) roles are left out and so grant nothing."""
    wanted = list(dict.fromkeys(names))
    stored = _stored_definitions(tenant_id, [n for n in wanted if n != TENANT_ADMIN])
    found: dict[str, list[str]] = {}
    for name in wanted:
        if name == TENANT_ADMIN:
            found[name] = BUILTIN[TENANT_ADMIN]  # immutable, whatever might be stored
        elif name in stored:
            found[name] = stored[name]
        elif name in BUILTIN:
            found[name] = BUILTIN[name]
    return found


def _stored_definitions(tenant_id: str, names: list[str]) -> dict[str, list[str]]:
    """The stored definitions among `names`, from this container's cache or one BatchGetItem."""
    cached = {n: _definitions.get((tenant_id, n)) for n in names}
    missing = [n for n in names if (tenant_id, n) not in _definitions]
    if missing:
        fetched = ports.store().stored_permissions(tenant_id, missing)
        for name in missing:
            cached[name] = fetched.get(name)
            _definitions.put((tenant_id, name), cached[name])
    return {name: granted for name, granted in cached.items() if granted is not None}


def effective_permissions(tenant_id: str, roles: Iterable[str]) -> list[str]:
    """The sorted union of the roles' permissions."""
    granted = permissions_of(tenant_id, roles)
    return sorted({p for perms in granted.values() for p in perms})


def role_permissions(tenant_id: str, name: str) -> list[str]:
    """One role's permissions, or 404 ROLE_NOT_FOUND."""
    found = permissions_of(tenant_id, [name])
    if name not in found:
        raise RoleNotFound(f"No role {name!r} in this tenant", field="role")
    return found[name]


def create_role(user: UserContext, body: NewRole) -> Role:
    permissions.require(user, "role.write")
    granted = _normalized(body.permissions)
    require_grantable(user, granted)
    if body.name in BUILTIN or not ports.store().insert_role(user.tenant_id, body.name, granted):
        raise Conflict(f"The role {body.name!r} already exists", field="name")
    _definitions.invalidate((user.tenant_id, body.name))
    return Role(name=body.name, permissions=granted, builtin=False)


def update_role(user: UserContext, name: str, body: RoleUpdate) -> Role:
    permissions.require(user, "role.write")
    if name == TENANT_ADMIN:
        raise Forbidden("The tenant_admin role cannot be changed", field="name")
    granted = _normalized(body.permissions)
    require_grantable(user, granted)
    builtin = name in BUILTIN
    if not ports.store().replace_role(user.tenant_id, name, granted, builtin=builtin):
        raise RoleNotFound(f"No role {name!r} in this tenant", field="name")
    _definitions.invalidate((user.tenant_id, name))
    return Role(name=name, permissions=granted, builtin=builtin)


def require_grantable(user: UserContext, granted: Iterable[str]) -> None:
    """Nobody hands out what they do not hold: otherwise `role.write` or `role.assign` alone would be a
    way to `*` (write a role with `*`, or give oneself tenant_admin)."""
    missing = sorted(p for p in granted if not permissions.allows(user.permissions, p))
    if missing:
        raise InsufficientPermissions(
            "You cannot grant permissions you do not hold", details={"missing": missing}
        )


def _builtin_permissions(name: str, stored: dict[str, ports.RoleRecord]) -> list[str]:
    if name != TENANT_ADMIN and name in stored:
        return stored[name].permissions
    return BUILTIN[name]


def _normalized(granted: Iterable[str]) -> list[str]:
    return sorted(set(granted))
