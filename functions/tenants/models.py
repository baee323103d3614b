"""Request and response bodies of the tenants service (camelCase on the wire, validated at the edge)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from functions.tenants.plans import Plan
from shared.emails import Email

TENANT_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{2,62}$"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

# Strict: `"5"`, `5.0` and `true` are not amounts. The upper bound keeps numbers well inside DynamoDB's.
Amount = Annotated[int, Field(strict=True, ge=0, le=10**18)]
Requested = Annotated[int, Field(strict=True, ge=1, le=10**18)]
Name = Annotated[str, Field(min_length=1, max_length=100)]


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


class TenantChanges(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    name: Name | None = None
    plan: Plan | None = None
    quotas: QuotaOverrides | None = None

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


class Tenant(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    tenant_id: str = Field(alias="tenantId")
    name: str
    plan: Plan
    status: Literal["provisioning", "active", "suspended"]
    quotas: Quotas
    usage: Usage
    created_at: str = Field(alias="createdAt")


class Validation(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    tenant_id: str = Field(alias="tenantId")
    status: Literal["active", "suspended"]
    plan: Plan


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
