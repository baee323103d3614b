"""The internal routes of cache as typed calls (`CacheClient`), with their request and response models.

Other services call cache only through this module. It imports nothing of cache but its manifest and
models (no handler, no store), so a caller's cold start does not load cache's code."""

from __future__ import annotations

from functions.cache.manifest import SERVICE
from functions.cache.models import (
    Epoch,
    NewSession,
    Purge,
    Purged,
    RateBucket,
    RefreshRequest,
    RevokeRequest,
    SessionCreated,
    SessionRef,
    SessionRevoked,
    SessionRotated,
    SessionsEnded,
    SessionState,
    TenantPrincipalChange,
    UserPrincipalChange,
    UserSessionsEnd,
    UserStatus,
)
from shared.typed_client import TypedClient

__all__ = [
    "CacheClient",
    "Epoch",
    "NewSession",
    "Purge",
    "Purged",
    "RateBucket",
    "RefreshRequest",
    "RevokeRequest",
    "SessionCreated",
    "SessionRef",
    "SessionRevoked",
    "SessionRotated",
    "SessionState",
    "SessionsEnded",
    "TenantPrincipalChange",
    "UserPrincipalChange",
    "UserSessionsEnd",
    "UserStatus",
]


class CacheClient(TypedClient):
    """One method per internal route of functions/cache/manifest.py, named after its function."""

    callee = SERVICE

    def sessions_create(self, body: NewSession) -> SessionCreated:
        """`POST /internal/sessions/create`: open a session and hand out its first refresh token.

        Handled by functions/cache/sessions_create.py."""
        return self._send("sessions-create", SessionCreated, body)

    def sessions_check(self, body: SessionRef) -> SessionState:
        """`POST /internal/sessions/check`: is a session still usable: session, user and tenant state
        in one read.

        Handled by functions/cache/sessions_check.py."""
        return self._send("sessions-check", SessionState, body)

    def sessions_rotate(self, body: RefreshRequest) -> SessionRotated:
        """`POST /internal/sessions/rotate`: exchange a refresh token for a new one; a reused token
        revokes the session.

        Handled by functions/cache/sessions_rotate.py."""
        return self._send("sessions-rotate", SessionRotated, body)

    def sessions_revoke(self, body: RevokeRequest) -> SessionRevoked:
        """`POST /internal/sessions/revoke`: revoke a session (idempotent).

        Handled by functions/cache/sessions_revoke.py."""
        return self._send("sessions-revoke", SessionRevoked, body)

    def sessions_end_all(self, body: UserSessionsEnd) -> SessionsEnded:
        """`POST /internal/sessions/end-all`: end every session of a user at once (a password reset).

        Handled by functions/cache/sessions_end_all.py."""
        return self._send("sessions-end-all", SessionsEnded, body)

    def principals_user(self, body: UserPrincipalChange) -> Epoch:
        """`POST /internal/principals/user`: move a user's epoch (and status) so that cached
        permissions are re-read.

        Handled by functions/cache/principals_user.py."""
        return self._send("principals-user", Epoch, body)

    def principals_tenant(self, body: TenantPrincipalChange) -> Epoch:
        """`POST /internal/principals/tenant`: move a tenant's epoch and set its status.

        Handled by functions/cache/principals_tenant.py."""
        return self._send("principals-tenant", Epoch, body)

    def purge_sessions(self, body: Purge, *, system_token: str) -> Purged:
        """`POST /internal/maintenance/purge-sessions`: delete sessions that expired in the last days
        (the expired-session purge job).

        Handled by functions/cache/purge_sessions.py."""
        return self._send("purge-sessions", Purged, body, system_token=system_token)
