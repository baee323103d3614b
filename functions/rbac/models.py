"""rbac's request and response bodies: every input is checked here, at the edge (bad input is a 400)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from shared.identifiers import TENANT_ID_PATTERN
from shared.models import CamelBody, CamelModel

# The same shapes the stored keys rely on: no `#`, so a value can never forge another item's key.
USER_ID_PATTERN = r"^[A-Za-z0-9_-]{1,128}$"
ROLE_NAME_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"
PERMISSION_PATTERN = r"^(\*|[a-z_]+\.(\*|[a-z_]+))$"
NAME_PART_PATTERN = r"^[a-z_]{1,64}$"
MAX_PERMISSIONS = 100

TenantId = Annotated[str, StringConstraints(pattern=TENANT_ID_PATTERN)]
UserId = Annotated[str, StringConstraints(pattern=USER_ID_PATTERN)]
RoleName = Annotated[str, StringConstraints(pattern=ROLE_NAME_PATTERN)]
Permission = Annotated[str, StringConstraints(pattern=PERMISSION_PATTERN)]
Permissions = Annotated[list[Permission], Field(max_length=MAX_PERMISSIONS)]


# --- internal ------------------------------------------------------------------------------------------
class DefaultRoleRequest(CamelBody):
    tenant_id: TenantId
    user_type: Literal["member", "tenant_admin"]


class CheckRequest(CamelBody):
    user_id: UserId
    tenant_id: TenantId
    resource: Annotated[str, StringConstraints(pattern=NAME_PART_PATTERN)]
    action: Annotated[str, StringConstraints(pattern=NAME_PART_PATTERN)]
    context: dict[str, Any] | None = None  # accepted for the contract; no rule reads it yet


class CheckResult(CamelModel):
    allowed: bool
    permission: str


# An invitation names a few roles; a grant of more is not a use case (and would bound nothing).
GrantedRoles = Annotated[list[RoleName], Field(min_length=1, max_length=20)]


class GrantCheck(CamelBody):
    """May a caller holding `granter_permissions` hand out `roles` (rbac's privilege guard)? The
    permissions are the caller's as the gateway's authorizer verified them (a user's effective ones, or
    an API key's scopes), exactly what the guard reads on rbac's own routes."""

    tenant_id: TenantId
    # A union of roles' permissions: several roles' worth.
    granter_permissions: Annotated[list[Permission], Field(max_length=10 * MAX_PERMISSIONS)]
    roles: GrantedRoles


class GrantChecked(CamelModel):
    roles: list[str]
    permissions: list[str]  # the union of the roles' permissions


class RolesRequest(CamelBody):
    tenant_id: TenantId
    roles: GrantedRoles


class ForgetRequest(CamelBody):
    tenant_id: TenantId


class Forgotten(CamelModel):
    forgotten: bool = True


# --- roles ---------------------------------------------------------------------------------------------
class Role(CamelModel):
    name: str
    permissions: list[str]
    builtin: bool


class NewRole(CamelBody):
    name: RoleName
    permissions: Permissions


class RoleUpdate(CamelBody):
    permissions: Permissions


# --- a user's roles ------------------------------------------------------------------------------------
class AssignRequest(CamelBody):
    role: RoleName


class UserRoles(CamelModel):
    user_id: str
    roles: list[str]


class UserPermissions(UserRoles):
    permissions: list[str]


class TenantUserPermissions(UserPermissions):
    tenant_id: str
