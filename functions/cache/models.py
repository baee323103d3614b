"""Request and response bodies of the cache service (camelCase on the wire, validated at the edge)."""

from __future__ import annotations

import secrets
import uuid
from typing import Annotated, Literal

from pydantic import Field

from shared.identifiers import TENANT_ID_PATTERN
from shared.models import CamelBody, CamelModel

# The same rule as shared.tables.tenant_key, checked here so a bad id is a 400 and never a 500.
TenantId = Annotated[str, Field(pattern=TENANT_ID_PATTERN)]
# Ids become key parts: no '#' (it would forge another key), nothing exotic.
USER_ID_PATTERN = r"[A-Za-z0-9_-]{1,128}"
SESSION_ID_PATTERN = r"s_[0-9a-f]{32}"
# A refresh token's secret: secrets.token_urlsafe(32), 43 characters of the URL-safe alphabet (no '.').
SECRET_PATTERN = r"[A-Za-z0-9_-]{43}"  # noqa: S105 - a pattern, not a secret
UserId = Annotated[str, Field(pattern=f"^{USER_ID_PATTERN}$")]
SessionId = Annotated[str, Field(pattern=f"^{SESSION_ID_PATTERN}$")]
Secret = Annotated[
    str,
    Field(
        pattern=f"^{SECRET_PATTERN}$", repr=False, examples=["q3J9w0Zt3kW1p8cYb6vXo2nR5sL7eD4aG0hF9uT1iM2"]
    ),
]
UserStatus = Literal["active", "suspended", "deleted"]
TenantStatus = Literal["active", "suspended"]
CheckReason = Literal["revoked", "expired", "unknown", "user_suspended", "user_deleted", "tenant_suspended"]


class _Request(CamelBody):
    """A request body (shared.models: camelCase, unknown fields refused)."""


class _Response(CamelModel):
    """A response (shared.models: camelCase)."""


def new_session_id() -> str:
    return f"s_{uuid.uuid4().hex}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class NewSession(_Request):
    """The caller chooses the session id and the refresh token's secret (`NewSession.opening`): a repeat
    of the same request finds the session it opened and is answered again — no second session, no 409 —
    so the route is idempotent by construction and keeps no idempotency record."""

    tenant_id: TenantId = Field(alias="tenantId")
    user_id: UserId = Field(alias="userId")
    session_id: SessionId = Field(alias="sessionId")
    refresh_secret: Secret = Field(alias="refreshSecret")
    # Kept with the session for the refresh's answer (an account's email never changes).
    email: str | None = Field(default=None, max_length=320)
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, alias="userAgent", max_length=512)

    @classmethod
    def opening(
        cls,
        *,
        tenant_id: str,
        user_id: str,
        email: str | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> NewSession:
        """A request for a new session: a fresh id and secret, the same on each retry of this request."""
        return cls(
            tenant_id=tenant_id,
            user_id=user_id,
            session_id=new_session_id(),
            refresh_secret=new_secret(),
            email=email,
            ip=ip,
            user_agent=user_agent,
        )


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
    """The caller chooses the next secret (`RefreshRequest.rotating`): a repeat of the same rotation — its
    first answer lost — presents the token just replaced with the secret now in place, and is answered
    again instead of being taken for a replayed token (idempotent by construction, no record kept)."""

    # Any string: a malformed token is the domain's 401 INVALID_TOKEN, not a 400.
    refresh_token: str = Field(alias="refreshToken", max_length=1024)
    next_secret: Secret = Field(alias="nextSecret")

    @classmethod
    def rotating(cls, refresh_token: str) -> RefreshRequest:
        return cls(refresh_token=refresh_token, next_secret=new_secret())


class SessionRotated(_Response):
    tenant_id: str = Field(alias="tenantId")
    user_id: str = Field(alias="userId")
    session_id: str = Field(alias="sessionId")
    refresh_token: str = Field(alias="refreshToken")
    expires_at: int = Field(alias="expiresAt")
    epoch: int
    # The email the session was opened with (absent for sessions opened without one).
    email: str | None = Field(default=None, exclude_if=lambda email: email is None)


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
