"""Request and response bodies of the tenants service (camelCase on the wire, validated at the edge)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StrictBool, field_validator, model_validator
from pydantic.config import JsonDict

from functions.tenants.plans import Plan
from shared.emails import Email
from shared.identifiers import TENANT_ID_PATTERN
from shared.models import CamelBody, CamelModel
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


class QuotaOverrides(CamelBody):
    """Explicit quota values that replace the plan's defaults one by one."""

    storage_bytes: Amount | None = Field(default=None)
    max_users: Amount | None = Field(default=None)
    max_file_bytes: Amount | None = Field(default=None)
    api_calls_per_day: Amount | None = Field(default=None)

    def given(self) -> dict[str, int]:
        """Only the values the caller set, by their stored (camelCase) names."""
        return dict(self.model_dump(by_alias=True, exclude_none=True))


class NewTenant(CamelBody):
    tenant_id: str | None = Field(default=None, pattern=TENANT_ID_PATTERN)
    name: Name
    plan: Plan
    quotas: QuotaOverrides | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _clean_name(value)


class Activation(CamelBody):
    admin_user_id: str = Field(min_length=1, max_length=128, pattern=r"^[\w-]+$")
    admin_email: Email


class TenantSettings(CamelModel):
    """Tenant-wide switches, each false until a tenant admin (or a platform admin) turns it on."""

    # An unverified user's login is 403 USER_INACTIVE (docs/identity.md, email verification).
    require_verified_email: bool = Field(default=False)
    # A tenant admin without MFA is refused at login: 403 MFA_ENROLLMENT_REQUIRED (docs/identity.md, MFA).
    require_mfa_for_admins: bool = Field(default=False)


def _boolean_only(schema: JsonDict) -> None:
    """`X | None = None` publishes `anyOf: [X, null]`; where null is refused, publish `X` alone."""
    options = schema.pop("anyOf", [])
    schema.pop("default", None)
    if isinstance(options, list):
        schema.update(next(o for o in options if isinstance(o, dict) and o.get("type") != "null"))


class SettingsPatch(CamelBody):
    """Only the switches given change; each must be a JSON boolean (strict, never null)."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    require_verified_email: StrictBool | None = Field(default=None, json_schema_extra=_boolean_only)
    require_mfa_for_admins: StrictBool | None = Field(default=None, json_schema_extra=_boolean_only)

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


class TenantChanges(CamelBody):
    # Nothing to change (`{}`, or only nulls) is a 400: at least one field is given, and not null.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": [name], "properties": {name: {"not": {"type": "null"}}}}
                for name in ("name", "plan", "quotas", "settings")
            ]
        }
    )

    name: Name | None = None
    plan: Plan | None = None
    quotas: QuotaOverrides | None = None
    settings: SettingsPatch | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return None if value is None else _clean_name(value)


class QuotaRequest(CamelBody):
    resource_type: Literal["storage", "users"]
    requested_amount: Requested
    operation: Literal["check", "reserve", "release"]


class SeatRequest(CamelBody):
    """One user seat, reserved or released under the caller's key (the new user's id): a repeat of the
    same request counts nothing twice, so the route keeps no idempotency record."""

    key: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    operation: Literal["reserve", "release"]
    # Refuse, as validate does, a tenant that may not be used (404 provisioning or being deleted, 403
    # suspended): a sign-up's tenant check and its seat are then one read. Not the default: a tenant's
    # creation reserves its admin's seat while the tenant is still provisioning.
    usable_only: bool = Field(default=False, alias="usableOnly")


class Quotas(CamelModel):
    storage_bytes: int
    max_users: int
    max_file_bytes: int
    api_calls_per_day: int


class Usage(CamelModel):
    storage_bytes: int
    users: int


class ServicePurge(CamelModel):
    complete: bool
    removed_items: int


class DeletionProgress(CamelModel):
    """Where a tenant's deletion stands (functions/tenants/deletion.py)."""

    requested_at: str
    round: int
    services: dict[str, ServicePurge]


class DeletionAccepted(CamelModel):
    tenant_id: str
    status: Literal["deleting"] = "deleting"


class Tenant(CamelModel):
    tenant_id: str
    name: str
    plan: Plan
    status: Literal["provisioning", "active", "suspended", "deleting"]
    quotas: Quotas
    usage: Usage
    created_at: str
    settings: TenantSettings = Field(default_factory=TenantSettings)
    # While a deletion runs (status `deleting`, platform admins only): each service's purge progress.
    # Absent (not null) otherwise.
    deletion: DeletionProgress | None = Field(default=None, exclude_if=lambda value: value is None)


class Validation(CamelModel):
    tenant_id: str
    status: Literal["active", "suspended"]
    plan: Plan
    # What a login must know of the tenant's switches (requireVerifiedEmail), without another call.
    settings: TenantSettings = Field(default_factory=TenantSettings)


class Discarded(CamelModel):
    discarded: bool = True


class QuotaResult(CamelModel):
    allowed: bool
    used: int
    limit: int


class Directory(CamelModel):
    tenant_ids: list[str]
    next_cursor: str | None = Field(default=None)


class StorageUsage(CamelBody):
    bytes: Amount


class UsageCorrection(CamelModel):
    tenant_id: str
    previous: int
    used: int
    corrected: bool
