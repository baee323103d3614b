"""The users service's request and response bodies: camelCase on the wire, validated at the edge."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

# A strict, boring address: dotted atoms @ a dotted host name with an alphabetic TLD. (The venv has no
# `email_validator`, so pydantic's EmailStr is not available.)
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")
MAX_EMAIL = 254


def normalize_email(value: str) -> str:
    """Trimmed and lower-cased, so `Jane@X.io ` and `jane@x.io` are one address (one claim)."""
    email = value.strip().lower()
    local = email.split("@", 1)[0]
    if len(email) > MAX_EMAIL or len(local) > 64 or not _EMAIL.fullmatch(email):
        raise ValueError("not a valid email address")
    return email


Email = Annotated[str, Field(max_length=MAX_EMAIL + 64), AfterValidator(normalize_email)]
TenantId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
# Bounded so that argon2 never hashes megabytes; the strength rule itself is shared.passwords'.
Password = Annotated[str, Field(min_length=1, max_length=1024)]
UserType = Literal["member", "tenant_admin"]
Status = Literal["active", "suspended"]

ProfileKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,39}$")]
ProfileValue = Annotated[str, StringConstraints(max_length=500)]
# A small flat map of strings (name, locale, timezone, ...): enough for a profile, too small to abuse.
Profile = Annotated[dict[ProfileKey, ProfileValue], Field(max_length=20)]
# In a PATCH, a null value removes the key.
ProfilePatch = Annotated[dict[ProfileKey, ProfileValue | None], Field(min_length=1, max_length=20)]


class _Body(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


# --- requests ----------------------------------------------------------------------------------------
class NewUser(_Body):
    email: Email
    password: Password
    tenant_id: TenantId = Field(alias="tenantId")
    profile: Profile = Field(default_factory=dict)
    user_type: UserType = Field(default="member", alias="userType")


class Credentials(_Body):
    email: Email
    password: Password
    tenant_id: TenantId = Field(alias="tenantId")


class PasswordChange(_Body):
    tenant_id: TenantId = Field(alias="tenantId")
    current_password: Password = Field(alias="currentPassword")
    new_password: Password = Field(alias="newPassword")


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


class Me(UserOut):
    roles: list[str]
    permissions: list[str]


class PasswordChanged(_Out):
    changed: Literal[True] = True
