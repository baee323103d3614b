"""The public bodies of the gateway's flows (API.md's Platform bootstrap and Auth sections)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from shared.emails import Email
from shared.identifiers import TENANT_ID_PATTERN
from shared.models import CamelBody, CamelModel
from shared.schema_patterns import WHITESPACE

TENANT_ID = TENANT_ID_PATTERN
# The rules the services behind each flow apply, stated (and checked) here at the edge, so that the
# published document says them: a new password has 10 to 128 characters with a letter and a digit
# (shared.passwords); a tenant's name is visible text without control characters (tenants).
NEW_PASSWORD_PATTERN = r"[A-Za-z][\s\S]*[0-9]|[0-9][\s\S]*[A-Za-z]"  # noqa: S105 - a rule, not a secret
TENANT_NAME = rf"^[^\x00-\x1f\x7f]*[^\x00-\x1f\x7f{WHITESPACE}][^\x00-\x1f\x7f]*$"
NewPassword = Annotated[str, Field(min_length=10, max_length=128, pattern=NEW_PASSWORD_PATTERN)]
Password = Annotated[str, Field(min_length=1, max_length=128)]
# A small flat map of strings (name, locale, timezone, ...), as the users service keeps it.
ProfileKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,39}$")]
ProfileValue = Annotated[str, StringConstraints(max_length=500)]
Profile = Annotated[
    dict[ProfileKey, ProfileValue], Field(max_length=20, json_schema_extra={"additionalProperties": False})
]
# Strict: `"5"`, `5.0` and `true` are not amounts (as the tenants service counts them).
Amount = Annotated[int, Field(strict=True, ge=0, le=10**18)]


class _Body(CamelBody):
    """A request body (shared.models: camelCase, unknown fields refused)."""


class _Out(CamelModel):
    """A response (shared.models: camelCase)."""


class RegisterBody(_Body):
    email: Email
    password: NewPassword
    tenant_id: str = Field(alias="tenantId", pattern=TENANT_ID)
    profile: Profile | None = None


class RegisteredUser(_Out):
    user_id: str = Field(alias="userId")
    email: str
    tenant_id: str = Field(alias="tenantId")
    roles: list[str]


class LoginBody(_Body):
    email: Email
    password: Password
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
    # Any non-empty string: a malformed token is 401 INVALID_TOKEN (API.md), as cache's parse answers it.
    refresh_token: str = Field(alias="refreshToken", min_length=1, max_length=512)


class ChangePasswordBody(_Body):
    current_password: Password = Field(alias="currentPassword")
    new_password: NewPassword = Field(alias="newPassword")


class Quotas(_Body):
    storage_bytes: Amount | None = Field(default=None, alias="storageBytes")
    max_users: Amount | None = Field(default=None, alias="maxUsers")
    max_file_bytes: Amount | None = Field(default=None, alias="maxFileBytes")
    api_calls_per_day: Amount | None = Field(default=None, alias="apiCallsPerDay")


class CreateTenantBody(_Body):
    tenant_id: str | None = Field(default=None, alias="tenantId", pattern=TENANT_ID)
    name: str = Field(min_length=1, max_length=100, pattern=TENANT_NAME)
    plan: Literal["free", "standard", "premium"]
    admin_email: Email = Field(alias="adminEmail")
    admin_password: NewPassword = Field(alias="adminPassword")
    quotas: Quotas | None = None


class Tenant(_Out):
    model_config = ConfigDict(extra="allow")

    tenant_id: str = Field(alias="tenantId")
    name: str
    plan: str
    status: str
    quotas: dict[str, int]
