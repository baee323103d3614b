"""Request and response bodies of the cache service (camelCase on the wire, validated at the edge)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from shared.identifiers import TENANT_ID_PATTERN
from shared.models import CamelBody, CamelModel

# The same rule as shared.tables.tenant_key, checked here so a bad id is a 400 and never a 500.
TenantId = Annotated[str, Field(pattern=TENANT_ID_PATTERN)]
# Ids become key parts: no '#' (it would forge another key), nothing exotic.
UserId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,128}$")]
SessionId = Annotated[str, Field(pattern=r"^s_[0-9a-f]{32}$")]
UserStatus = Literal["active", "suspended", "deleted"]
TenantStatus = Literal["active", "suspended"]
CheckReason = Literal["revoked", "expired", "unknown", "user_suspended", "user_deleted", "tenant_suspended"]


class _Request(CamelBody):
    """A request body (shared.models: camelCase, unknown fields refused)."""


class _Response(CamelModel):
    """A response (shared.models: camelCase)."""


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


# A rate-limit bucket's key parts under the tenant (`shared.tables.tenant_key`): no '#', nothing exotic.
BucketPart = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,128}$")]
BucketScope = Literal["caller", "tenant"]


class RateBucket(_Request):
    """A fixed-window counter the check counts the request in (functions/cache/admission.py)."""

    parts: list[BucketPart] = Field(min_length=1, max_length=6)
    limit: int = Field(ge=1)
    window_seconds: int = Field(alias="windowSeconds", ge=1, le=86_400)
    scope: BucketScope


class SessionRef(_Request):
    tenant_id: TenantId = Field(alias="tenantId")
    user_id: UserId = Field(alias="userId")
    session_id: SessionId = Field(alias="sessionId")
    # The epoch the caller's token carries and the buckets to count the request in: with both, the check
    # is one DynamoDB call in the common case (admission.py); without, the read of sessions.check.
    epoch: int | None = Field(default=None, ge=0)
    buckets: list[RateBucket] = Field(default_factory=list, max_length=4)


class SessionState(_Response):
    active: bool
    # Only an inactive session has a reason; an active one omits the key rather than sending null.
    reason: CheckReason | None = Field(default=None, exclude_if=lambda reason: reason is None)
    epoch: int
    # Whether cache applied the buckets asked for (the caller must not count again), and the first bucket
    # that refused the request (a refused request is counted nowhere).
    counted: bool = Field(default=False, exclude_if=lambda counted: not counted)
    limited: BucketScope | None = Field(default=None, exclude_if=lambda scope: scope is None)
    limit: int | None = Field(default=None, exclude_if=lambda limit: limit is None)
    window_seconds: int | None = Field(
        default=None, alias="windowSeconds", exclude_if=lambda seconds: seconds is None
    )
    retry_after: int | None = Field(
        default=None, alias="retryAfter", exclude_if=lambda seconds: seconds is None
    )


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
