"""Sessions: create, check, rotate (with reuse detection) and revoke."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import NoReturn

from functions.cache import ports, refresh_tokens
from functions.cache.models import (
    CheckReason,
    NewSession,
    Purged,
    SessionCreated,
    SessionRef,
    SessionRotated,
    SessionsEnded,
    SessionState,
)
from functions.cache.ports import Principal, SessionRecord
from shared.config import settings
from shared.errors import Conflict, InvalidToken, TenantSuspended, TokenExpired, UserSuspended

# How many earlier hashes a session remembers to recognise a replayed refresh token.
PREVIOUS_HASHES_KEPT = 10
REUSE_MESSAGE = "refresh token reuse detected; the session is revoked"


def create(request: NewSession) -> SessionCreated:
    """Open the session the caller named. A repeat of the same request (same id, same secret, same user)
    finds it and gets the same answer; any other use of a taken id is 409."""
    now = int(time.time())
    # Read before the put: a session-ending that lands in between ends this session too (never the
    # other way round, a session surviving an end it was opened before).
    principal = ports.store().get_principal(ports.store().user_pk(request.tenant_id, request.user_id))
    token = refresh_tokens.RefreshToken(
        request.tenant_id, request.user_id, request.session_id, request.refresh_secret
    )
    record = SessionRecord(
        tenant_id=request.tenant_id,
        session_id=request.session_id,
        user_id=request.user_id,
        refresh_hash=token.secret_hash,
        previous_hashes=(),
        expires_at=now + settings().refresh_token_ttl_seconds,
        revoked=False,
        generation=principal.generation if principal else 0,
        email=request.email,
    )
    written = ports.store().put_session(
        record,
        created_at=datetime.fromtimestamp(now, UTC).isoformat(),
        ip=request.ip,
        user_agent=request.user_agent,
    )
    if not written:
        record = _opened_by_this_request(request, token)
    return SessionCreated(
        session_id=request.session_id,
        refresh_token=str(token),
        expires_at=record.expires_at,
        # The epoch read with the generation: a bump landing meanwhile only makes the authorizer re-read
        # the permissions once (the token's epoch is then behind), never keep stale ones.
        epoch=principal.epoch if principal else 0,
    )


def _opened_by_this_request(request: NewSession, token: refresh_tokens.RefreshToken) -> SessionRecord:
    existing = ports.store().get_session(request.tenant_id, request.session_id)
    if (
        existing is None
        or existing.user_id != request.user_id
        or not refresh_tokens.matches(token.secret_hash, existing.refresh_hash)
    ):
        raise Conflict("The session id is taken", field="sessionId")
    return existing


def check(request: SessionRef) -> SessionState:
    session, user, tenant = ports.store().read_for_check(
        request.tenant_id, request.user_id, request.session_id
    )
    epoch = user.epoch if user else 0
    reason: CheckReason | None = None
    # A session of another user reads as unknown: the ids must belong together.
    if session is None or session.user_id != request.user_id:
        reason = "unknown"
    elif session.revoked or (user is not None and session.generation < user.generation):
        reason = "revoked"
    elif session.is_expired(time.time()):  # TTL deletes late; expiry is decided here
        reason = "expired"
    elif tenant is not None and tenant.status == "suspended":
        reason = "tenant_suspended"
    elif user is not None and user.status == "deleted":
        reason = "user_deleted"
    elif user is not None and user.status == "suspended":
        reason = "user_suspended"
    return SessionState(active=reason is None, reason=reason, epoch=epoch)


def rotate(raw_token: str, next_secret: str) -> SessionRotated:
    """A new refresh token (its secret `next_secret`, the caller's) for the current one. Presenting an
    earlier one (or losing a race to another rotation) means the token leaked: the whole session is
    revoked. The session, the user's principal and the tenant's are one read (the token names the user):
    the end of all sessions, a suspension or deletion of the user and a suspension of the tenant are seen
    here, and the new token's epoch is the user's."""
    token = refresh_tokens.parse(raw_token)
    session, user, tenant = ports.store().read_for_check(token.tenant_id, token.user_id, token.session_id)
    if session is None or session.user_id != token.user_id:
        raise InvalidToken("The refresh token is not valid")
    now = int(time.time())
    presented = token.secret_hash
    replacement = refresh_tokens.RefreshToken(token.tenant_id, token.user_id, token.session_id, next_secret)
    if refresh_tokens.matches(presented, session.refresh_hash):
        _require_usable(session, user, tenant, token, now)
        previous = [*session.previous_hashes, session.refresh_hash][-PREVIOUS_HASHES_KEPT:]
        won = ports.store().replace_hash(
            token.tenant_id,
            token.session_id,
            presented=presented,
            new_hash=replacement.secret_hash,
            previous=previous,
            now=now,
        )
        if not won:
            _revoke_for_reuse(token)
        return _rotated(session, user, replacement)
    if _repeats_the_last_rotation(session, presented, replacement):
        _require_usable(session, user, tenant, token, now)
        return _rotated(session, user, replacement)
    if refresh_tokens.matches_any(presented, session.previous_hashes):
        if session.is_expired(now):
            raise TokenExpired("The refresh token has expired")
        _revoke_for_reuse(token)
    # An unknown secret for a real session id proves nothing about a leak: refuse, do not revoke.
    raise InvalidToken("The refresh token is not valid")


def _repeats_the_last_rotation(
    session: SessionRecord, presented: str, replacement: refresh_tokens.RefreshToken
) -> bool:
    """The same rotation again (its answer was lost): the token it replaced, and the secret it put in
    place. Nobody else can ask this: the secret is the caller's own, chosen afresh for each rotation."""
    return (
        bool(session.previous_hashes)
        and refresh_tokens.matches(presented, session.previous_hashes[-1])
        and refresh_tokens.matches(replacement.secret_hash, session.refresh_hash)
    )


def _require_usable(
    session: SessionRecord,
    user: Principal | None,
    tenant: Principal | None,
    token: refresh_tokens.RefreshToken,
    now: int,
) -> None:
    if session.revoked or (user is not None and session.generation < user.generation):
        raise InvalidToken("The session has been revoked")
    if session.is_expired(now):
        raise TokenExpired("The refresh token has expired")
    if tenant is not None and tenant.status == "suspended":
        # The tenant's own service says which (suspended, or being deleted): the caller asks it.
        raise TenantSuspended(details={"tenantId": token.tenant_id})
    if user is not None and user.status in ("suspended", "deleted"):
        ports.store().revoke_session(token.tenant_id, token.session_id)
        if user.status == "deleted":
            raise InvalidToken("The session has been revoked")
        raise UserSuspended()


def _rotated(
    session: SessionRecord, user: Principal | None, replacement: refresh_tokens.RefreshToken
) -> SessionRotated:
    return SessionRotated(
        tenant_id=replacement.tenant_id,
        user_id=replacement.user_id,
        session_id=replacement.session_id,
        refresh_token=str(replacement),
        expires_at=session.expires_at,
        # An end of all sessions or a suspension landing after the read moves the epoch past this one,
        # so the authorizer's check refuses the new access token.
        epoch=user.epoch if user else 0,
        email=session.email,
    )


def end_all(tenant_id: str, user_id: str) -> SessionsEnded:
    """End every session the user has, at once and without listing them: the user's session generation
    moves, and a session opened under an earlier one is refused by the check and the rotation. The epoch
    moves too (whatever was cached about the user is re-read)."""
    principal = ports.store().end_sessions(ports.store().user_pk(tenant_id, user_id))
    return SessionsEnded(generation=principal.generation, epoch=principal.epoch)


def _revoke_for_reuse(token: refresh_tokens.RefreshToken) -> NoReturn:
    ports.store().revoke_session(token.tenant_id, token.session_id)
    raise InvalidToken(REUSE_MESSAGE)


def revoke(tenant_id: str, session_id: str) -> None:
    ports.store().revoke_session(tenant_id, session_id)


def purge_expired(*, days: int, limit: int) -> Purged:
    """Delete sessions that expired today or in the `days` before, oldest day first. Each delete is
    conditional on the session still being expired, so two runs at once never count one session twice."""
    now = int(time.time())
    purged = 0
    for back in range(days, -1, -1):
        day = ports.store().expiry_partition(now - back * 86_400)
        for tenant_id, session_id, _ in ports.store().expired_sessions(day, now, limit - purged):
            purged += ports.store().delete_expired_session(tenant_id, session_id, now)
        if purged >= limit:
            break
    return Purged(processed_items=purged)
