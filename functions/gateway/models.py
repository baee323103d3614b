"""The public bodies of the gateway's flows (API.md's Platform bootstrap and Auth sections)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

TENANT_ID = r"^[a-z0-9][a-z0-9-]{2,62}$"


class _Body(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", str_strip_whitespace=True)


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class RegisterBody(_Body):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=128)
    tenant_id: str = Field(alias="tenantId", pattern=TENANT_ID)
    profile: dict[str, Any] | None = None


class RegisteredUser(_Out):
    user_id: str = Field(alias="userId")
    email: str
    tenant_id: str = Field(alias="tenantId")
    roles: list[str]


class LoginBody(_Body):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=128)
    tenant_id: str = Field(alias="tenantId", pattern=TENANT_ID)


class LoginUser(_Out):
    user_id: str = Field(alias="userId")
    email: str
    tenant_id: str = Field(alias="tenantId")
    roles: list[str]
    permissions: list[str]


class TokenPair(_Out):
    access_token: str = Field(alias="accessToken")
    refresh_token: str = Field(alias="refreshToken")
    expires_in: int = Field(alias="expiresIn")
    token_type: Literal["Bearer"] = Field(default="Bearer", alias="tokenType")
    user: LoginUser


class RefreshBody(_Body):
    refresh_token: str = Field(alias="refreshToken", min_length=10, max_length=512)


class ChangePasswordBody(_Body):
    current_password: str = Field(alias="currentPassword", min_length=1, max_length=128)
    new_password: str = Field(alias="newPassword", min_length=1, max_length=128)


class Quotas(_Body):
    storage_bytes: int | None = Field(default=None, alias="storageBytes", ge=0)
    max_users: int | None = Field(default=None, alias="maxUsers", ge=0)
    max_file_bytes: int | None = Field(default=None, alias="maxFileBytes", ge=0)
    api_calls_per_day: int | None = Field(default=None, alias="apiCallsPerDay", ge=0)


class CreateTenantBody(_Body):
    tenant_id: str | None = Field(default=None, alias="tenantId", pattern=TENANT_ID)
    name: str = Field(min_length=1, max_length=200)
    plan: Literal["free", "standard", "premium"]
    admin_email: str = Field(alias="adminEmail", min_length=3, max_length=254)
    admin_password: str = Field(alias="adminPassword", min_length=1, max_length=128)
    quotas: Quotas | None = None


class Tenant(_Out):
    model_config = ConfigDict(populate_by_name=True, extra="allow")

    tenant_id: str = Field(alias="tenantId")
    name: str
    plan: str
    status: str
    quotas: dict[str, int]
