"""The users service's request and response bodies: camelCase on the wire, validated at the edge."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.context import new_id
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
    # Chosen by the caller: the typed client sends the id made when the request was built, the same on
    # each retry, so a repeat of a create whose answer was lost finds its own user and gets the same
    # answer (not a 409, not a second user). The route keeps no idempotency record.
    user_id: str = Field(
        default_factory=lambda: new_id("u_"),
        alias="userId",
        pattern=r"^u_[0-9a-f]{32}$",
        examples=["u_0192f7a1c2d3e4f5a6b7c8d9e0f1a2b3"],
    )
    # A sign-up: user.created says the address awaits verification (`verifyEmail`), and the gateway's
    # subscriber mails the link (docs/identity.md, "Email verification").
    verify_email: bool = Field(default=False, alias="verifyEmail")


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
    # This sign-in attempt, named by the caller (the typed client fills it in when the request is built,
    # the same on each retry): a failure is counted once per attempt, so a repeat of a call whose answer
    # was lost counts nothing twice and the route keeps no idempotency record.
    attempt: str = Field(
        default_factory=lambda: new_id("att_"),
        pattern=r"^att_[0-9a-f]{32}$",
        examples=["att_0192f7a1c2d3e4f5a6b7c8d9e0f1a2b3"],
    )


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
