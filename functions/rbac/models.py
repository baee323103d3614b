"""rbac's request and response bodies: every input is checked here, at the edge (bad input is a 400)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# The same shapes the stored keys rely on: no `#`, so a value can never forge another item's key.
TENANT_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
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
