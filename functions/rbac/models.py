"""rbac's request and response bodies: every input is checked here, at the edge (bad input is a 400)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.identifiers import TENANT_ID_PATTERN

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


class _Request(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class _Response(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


# --- internal ------------------------------------------------------------------------------------------
class DefaultRoleRequest(_Request):
    tenant_id: TenantId = Field(alias="tenantId")
    user_type: Literal["member", "tenant_admin"] = Field(alias="userType")


class CheckRequest(_Request):
    user_id: UserId = Field(alias="userId")
    tenant_id: TenantId = Field(alias="tenantId")
    resource: Annotated[str, StringConstraints(pattern=NAME_PART_PATTERN)]
    action: Annotated[str, StringConstraints(pattern=NAME_PART_PATTERN)]
    context: dict[str, Any] | None = None  # accepted for the contract; no rule reads it yet


class CheckResult(_Response):
    allowed: bool
    permission: str


# An invitation names a few roles; a grant of more is not a use case (and would bound nothing).
GrantedRoles = Annotated[list[RoleName], Field(min_length=1, max_length=20)]


class GrantCheck(_Request):
    """May a caller holding `granter_permissions` hand out `roles` (rbac's privilege guard)? The
    permissions are the caller's as the gateway's authorizer verified them (a user's effective ones, or
    an API key's scopes), exactly what the guard reads on rbac's own routes."""

    tenant_id: TenantId = Field(alias="tenantId")
    # A union of roles' permissions: several roles' worth.
    granter_permissions: Annotated[list[Permission], Field(max_length=10 * MAX_PERMISSIONS)] = Field(
        alias="granterPermissions"
    )
    roles: GrantedRoles


class GrantChecked(_Response):
    roles: list[str]
    permissions: list[str]  # the union of the roles' permissions


class RolesRequest(_Request):
    tenant_id: TenantId = Field(alias="tenantId")
    roles: GrantedRoles


class ForgetRequest(_Request):
    tenant_id: TenantId = Field(alias="tenantId")


class Forgotten(_Response):
    forgotten: bool = True


# --- roles ---------------------------------------------------------------------------------------------
class Role(_Response):
    name: str
    permissions: list[str]
    builtin: bool


class NewRole(_Request):
    name: RoleName
    permissions: Permissions


class RoleUpdate(_Request):
    permissions: Permissions


# --- a user's roles ------------------------------------------------------------------------------------
class AssignRequest(_Request):
    role: RoleName


class UserRoles(_Response):
    user_id: str = Field(alias="userId")
    roles: list[str]


class UserPermissions(UserRoles):
    permissions: list[str]


class TenantUserPermissions(UserPermissions):
    tenant_id: str = Field(alias="tenantId")
