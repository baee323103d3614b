"""Request and response bodies of the cache service (camelCase on the wire, validated at the edge)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.identifiers import TENANT_ID_PATTERN

# The same rule as shared.tables.tenant_key, checked here so a bad id is a 400 and never a 500.
TenantId = Annotated[str, Field(pattern=TENANT_ID_PATTERN)]
# Ids become key parts: no '#' (it would forge another key), nothing exotic.
UserId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,128}$")]
SessionId = Annotated[str, Field(pattern=r"^s_[0-9a-f]{32}$")]
UserStatus = Literal["active", "suspended", "deleted"]
TenantStatus = Literal["active", "suspended"]
CheckReason = Literal["revoked", "expired", "unknown", "user_suspended", "user_deleted", "tenant_suspended"]


class _Request(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class _Response(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class NewSession(_Request):
    tenant_id: TenantId = Field(alias="tenantId")
    user_id: UserId = Field(alias="userId")
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, alias="userAgent", max_length=512)


class SessionCreated(_Response):
    session_id: str = Field(alias="sessionId")
    refresh_token: str = Field(alias="refreshToken")
    expires_at: int = Field(alias="expiresAt")
    epoch: int


class SessionRef(_Request):
    tenant_id: TenantId = Field(alias="tenantId")
    user_id: UserId = Field(alias="userId")
    session_id: SessionId = Field(alias="sessionId")


class SessionState(_Response):
    active: bool
    # Only an inactive session has a reason; an active one omits the key rather than sending null.
    reason: CheckReason | None = Field(default=None, exclude_if=lambda reason: reason is None)
    epoch: int


class RefreshRequest(_Request):
    # Any string: a malformed token is the domain's 401 INVALID_TOKEN, not a 400.
    refresh_token: str = Field(alias="refreshToken", max_length=1024)


class SessionRotated(_Response):
    tenant_id: str = Field(alias="tenantId")
    user_id: str = Field(alias="userId")
    session_id: str = Field(alias="sessionId")
    refresh_token: str = Field(alias="refreshToken")
    expires_at: int = Field(alias="expiresAt")
    epoch: int


class RevokeRequest(_Request):
    tenant_id: TenantId = Field(alias="tenantId")
    session_id: SessionId = Field(alias="sessionId")


class SessionRevoked(_Response):
    revoked: Literal[True] = True


class UserSessionsEnd(_Request):
    tenant_id: TenantId = Field(alias="tenantId")
    user_id: UserId = Field(alias="userId")


class SessionsEnded(_Response):
    # The user's session generation now: every session opened under an earlier one has ended.
    generation: int
    epoch: int


class UserPrincipalChange(_Request):
    tenant_id: TenantId = Field(alias="tenantId")
    user_id: UserId = Field(alias="userId")
    status: UserStatus | None = None


class TenantPrincipalChange(_Request):
    tenant_id: TenantId = Field(alias="tenantId")
    status: TenantStatus


class Epoch(_Response):
    epoch: int


class Purge(_Request):
    # Expiry days looked back over. The job runs daily, so 3 covers a missed run or two; anything older
    # is also removed by DynamoDB's own TTL on AWS.
    days: int = Field(default=3, ge=1, le=60, strict=True)
    limit: int = Field(default=1000, ge=1, le=10_000, strict=True)


class Purged(_Response):
    processed_items: int = Field(alias="processedItems")
    errors: list[str] = Field(default_factory=list)
