"""The users service's request and response bodies: camelCase on the wire, validated at the edge."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.emails import Email
from shared.identifiers import TENANT_ID_PATTERN
from shared.models import CamelBody, CamelModel

TenantId = Annotated[str, Field(pattern=TENANT_ID_PATTERN)]
# Bounded so that argon2 never hashes megabytes; the strength rule itself is shared.passwords'.
Password = Annotated[str, Field(min_length=1, max_length=1024)]
UserType = Literal["member", "tenant_admin"]
Status = Literal["active", "suspended"]

ProfileKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,39}$")]
ProfileValue = Annotated[str, StringConstraints(max_length=500)]
# A small flat map of strings (name, locale, timezone, ...): enough for a profile, too small to abuse.
# Its keys are checked against ProfileKey's pattern: no other key is allowed (and so published).
_ONLY_PATTERN_KEYS = {"additionalProperties": False}
Profile = Annotated[
    dict[ProfileKey, ProfileValue], Field(max_length=20, json_schema_extra=_ONLY_PATTERN_KEYS)
]
# In a PATCH, a null value removes the key.
ProfilePatch = Annotated[
    dict[ProfileKey, ProfileValue | None],
    Field(min_length=1, max_length=20, json_schema_extra=_ONLY_PATTERN_KEYS),
]


class _Body(CamelBody):
    """A request body (shared.models: camelCase, unknown fields refused)."""


class _Out(CamelModel):
    """A response (shared.models: camelCase)."""


# --- requests ----------------------------------------------------------------------------------------
class NewUser(_Body):
    email: Email
    password: Password
    tenant_id: TenantId = Field(alias="tenantId")
    profile: Profile = Field(default_factory=dict)
    user_type: UserType = Field(default="member", alias="userType")


# Who is trying, as the gateway saw it (a client address, a session): lockouts count per source.
Source = Annotated[str, Field(min_length=1, max_length=200)]


class Credentials(_Body):
    email: Email
    password: Password
    tenant_id: TenantId = Field(alias="tenantId")
    source: Source | None = None
    # The tenant's `requireVerifiedEmail` (the gateway has it from tenants' validate): an unverified
    # user's right password is then 403 USER_INACTIVE.
    require_verified_email: bool = Field(default=False, alias="requireVerifiedEmail")


class PasswordChange(_Body):
    tenant_id: TenantId = Field(alias="tenantId")
    current_password: Password = Field(alias="currentPassword")
    new_password: Password = Field(alias="newPassword")
    source: Source | None = None


class UserPatch(_Body):
    profile: ProfilePatch


# --- responses ---------------------------------------------------------------------------------------
class CreatedUser(_Out):
    user_id: str = Field(alias="userId")
    email: str
    tenant_id: str = Field(alias="tenantId")
    roles: list[str]


class VerifiedUser(_Out):
    user_id: str = Field(alias="userId")
    email: str
    status: Status
    profile: dict[str, str]


class UserOut(_Out):
    """A user as every route shows it: never the password hash, never the lockout counters."""

    user_id: str = Field(alias="userId")
    email: str
    tenant_id: str = Field(alias="tenantId")
    status: Status
    profile: dict[str, str]
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")
    email_verified: bool = Field(default=False, alias="emailVerified")


class Me(UserOut):
    roles: list[str]
    permissions: list[str]


class PasswordChanged(_Out):
    changed: Literal[True] = True
