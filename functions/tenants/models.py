"""Request and response bodies of the tenants service (camelCase on the wire, validated at the edge)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator
from pydantic.config import JsonDict

from functions.tenants.plans import Plan
from shared.emails import Email
from shared.identifiers import TENANT_ID_PATTERN
from shared.schema_patterns import WHITESPACE

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Strict: `"5"`, `5.0` and `true` are not amounts. The upper bound keeps numbers well inside DynamoDB's.
Amount = Annotated[int, Field(strict=True, ge=0, le=10**18)]
Requested = Annotated[int, Field(strict=True, ge=1, le=10**18)]
# `_clean_name`'s rule, as the published pattern: visible text (not only whitespace), no control character.
VISIBLE_TEXT = rf"^[^\x00-\x1f\x7f]*[^\x00-\x1f\x7f{WHITESPACE}][^\x00-\x1f\x7f]*$"
Name = Annotated[str, Field(min_length=1, max_length=100, json_schema_extra={"pattern": VISIBLE_TEXT})]


def _clean_name(value: str) -> str:
    value = value.strip()
    if not value or _CONTROL.search(value):
        raise ValueError("must be visible text without control characters")
    return value


class QuotaOverrides(BaseModel):
    """Explicit quota values that replace the plan's defaults one by one."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    storage_bytes: Amount | None = Field(default=None, alias="storageBytes")
    max_users: Amount | None = Field(default=None, alias="maxUsers")
    max_file_bytes: Amount | None = Field(default=None, alias="maxFileBytes")
    api_calls_per_day: Amount | None = Field(default=None, alias="apiCallsPerDay")

    def given(self) -> dict[str, int]:
        """Only the values the caller set, by their stored (camelCase) names."""
        return dict(self.model_dump(by_alias=True, exclude_none=True))


class NewTenant(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    tenant_id: str | None = Field(default=None, alias="tenantId", pattern=TENANT_ID_PATTERN)
    name: Name
    plan: Plan
    quotas: QuotaOverrides | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _clean_name(value)


class Activation(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    admin_user_id: str = Field(alias="adminUserId", min_length=1, max_length=128, pattern=r"^[\w-]+$")
    admin_email: Email = Field(alias="adminEmail")


class TenantSettings(BaseModel):
    """Tenant-wide switches, each false until a tenant admin (or a platform admin) turns it on."""

    model_config = ConfigDict(populate_by_name=True)

    # An unverified user's login is 403 USER_INACTIVE (docs/identity.md, email verification).
    require_verified_email: bool = Field(default=False, alias="requireVerifiedEmail")
    # A tenant admin without MFA is refused at login: 403 MFA_ENROLLMENT_REQUIRED (docs/identity.md, MFA).
    require_mfa_for_admins: bool = Field(default=False, alias="requireMfaForAdmins")


def _boolean_only(schema: JsonDict) -> None:
    """`X | None = None` publishes `anyOf: [X, null]`; where null is refused, publish `X` alone."""
    options = schema.pop("anyOf", [])
    schema.pop("default", None)
    if isinstance(options, list):
        schema.update(next(o for o in options if isinstance(o, dict) and o.get("type") != "null"))


class SettingsPatch(BaseModel):
    """Only the switches given change; each must be a JSON boolean (strict, never null)."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid", json_schema_extra={"minProperties": 1})

    require_verified_email: StrictBool | None = Field(
        default=None, alias="requireVerifiedEmail", json_schema_extra=_boolean_only
    )
    require_mfa_for_admins: StrictBool | None = Field(
        default=None, alias="requireMfaForAdmins", json_schema_extra=_boolean_only
    )

    @field_validator("require_verified_email", "require_mfa_for_admins", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Runs only on fields the body gives (defaults are not validated): None is an explicit null.
        if value is None:
            raise ValueError("must be true or false")
        return value

    @model_validator(mode="after")
    def _something(self) -> SettingsPatch:
        if not self.model_fields_set:
            raise ValueError("give at least one setting")
        return self

    def given(self) -> dict[str, bool]:
        """The switches set in the request, by their stored (camelCase) names."""
        return {
            str(type(self).model_fields[name].alias or name): bool(getattr(self, name))
            for name in self.model_fields_set
        }


class TenantChanges(BaseModel):
    # Nothing to change (`{}`, or only nulls) is a 400: at least one field is given, and not null.
    model_config = ConfigDict(
        populate_by_name=True,
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"required": [name], "properties": {name: {"not": {"type": "null"}}}}
                for name in ("name", "plan", "quotas", "settings")
            ]
        },
    )

    name: Name | None = None
    plan: Plan | None = None
    quotas: QuotaOverrides | None = None
    settings: SettingsPatch | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return None if value is None else _clean_name(value)


class QuotaRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    resource_type: Literal["storage", "users"] = Field(alias="resourceType")
    requested_amount: Requested = Field(alias="requestedAmount")
    operation: Literal["check", "reserve", "release"]


class Quotas(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    storage_bytes: int = Field(alias="storageBytes")
    max_users: int = Field(alias="maxUsers")
    max_file_bytes: int = Field(alias="maxFileBytes")
    api_calls_per_day: int = Field(alias="apiCallsPerDay")


class Usage(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    storage_bytes: int = Field(alias="storageBytes")
    users: int


class ServicePurge(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    complete: bool
    removed_items: int = Field(alias="removedItems")


class DeletionProgress(BaseModel):
    """Where a tenant's deletion stands (functions/tenants/deletion.py)."""

    model_config = ConfigDict(populate_by_name=True)

    requested_at: str = Field(alias="requestedAt")
    round: int
    services: dict[str, ServicePurge]


class DeletionAccepted(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    tenant_id: str = Field(alias="tenantId")
    status: Literal["deleting"] = "deleting"


class Tenant(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    tenant_id: str = Field(alias="tenantId")
    name: str
    plan: Plan
    status: Literal["provisioning", "active", "suspended", "deleting"]
    quotas: Quotas
    usage: Usage
    created_at: str = Field(alias="createdAt")
    settings: TenantSettings = Field(default_factory=TenantSettings)
    # While a deletion runs (status `deleting`, platform admins only): each service's purge progress.
    # Absent (not null) otherwise.
    deletion: DeletionProgress | None = Field(default=None, exclude_if=lambda value: value is None)


class Validation(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    tenant_id: str = Field(alias="tenantId")
    status: Literal["active", "suspended"]
    plan: Plan
    # What a login must know of the tenant's switches (requireVerifiedEmail), without another call.
    settings: TenantSettings = Field(default_factory=TenantSettings)


class Discarded(BaseModel):
    discarded: bool = True


class QuotaResult(BaseModel):
    allowed: bool
    used: int
    limit: int


class Directory(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    tenant_ids: list[str] = Field(alias="tenantIds")
    next_cursor: str | None = Field(default=None, alias="nextCursor")


class StorageUsage(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    bytes: Amount


class UsageCorrection(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    tenant_id: str = Field(alias="tenantId")
    previous: int
    used: int
    corrected: bool
