"""Passwords: checking them (with lockout) and changing them.

An unknown email and a wrong password cost the same argon2 verification and give the same 401, so the
answer does not tell whether an account exists. Suspension is reported only after the password matched.
"""

from __future__ import annotations

import time

from functions.users import effects, store
from functions.users.models import Credentials, PasswordChange, PasswordChanged, VerifiedUser
from functions.users.service import find
from functions.users.store import UserRecord
from shared import passwords
from shared.envelopes import utc_now_iso
from shared.errors import AccountLocked, InvalidCredentials, UserSuspended

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60
clock = time.time  # tests move time forward by replacing this


def _refuse_if_locked(user: UserRecord) -> None:
    now = clock()
    if user.locked(now):
        retry_after = int(user.locked_until or now) - int(now)
        raise AccountLocked(
            details={"retryAfter": retry_after}, headers={"Retry-After": str(max(1, retry_after))}
        )


def _check_password(user: UserRecord, password: str) -> None:
    """Raise 401 on a wrong password, counting it (atomically) towards the lockout."""
    if passwords.verify(user.password_hash, password):
        if user.failed_logins or user.locked_until is not None:
            store.clear_failures(user.tenant_id, user.user_id)
        return
    failures = store.add_failed_login(user.tenant_id, user.user_id)
    if failures is not None and failures >= MAX_FAILURES:
        store.lock(user.tenant_id, user.user_id, until=int(clock()) + LOCK_SECONDS, threshold=MAX_FAILURES)
    raise InvalidCredentials()


def validate(body: Credentials) -> VerifiedUser:
    user = store.find_by_email(body.tenant_id, body.email)
    if user is None:
        passwords.verify(None, body.password)  # the decoy: as slow as a real check
        raise InvalidCredentials()
    _refuse_if_locked(user)
    _check_password(user, body.password)
    if user.status == "suspended":
        raise UserSuspended()
    return VerifiedUser(user_id=user.user_id, email=user.email, status=user.status, profile=user.profile)


def change(user_id: str, body: PasswordChange) -> PasswordChanged:
    """Check the current password (it counts towards the lockout like a login), then replace it and bump
    the user's epoch so that every other session sees the change."""
    user = find(body.tenant_id, user_id)
    _refuse_if_locked(user)
    _check_password(user, body.current_password)
    passwords.check_strength(body.new_password, field="newPassword")
    changed_at = utc_now_iso()
    changed = effects.event(
        "user.password_changed",
        {"userId": user.user_id, "email": user.email, "changedAt": changed_at},
        tenant_id=user.tenant_id,
    )
    replaced = store.set_password(
        user.tenant_id,
        user.user_id,
        old_hash=user.password_hash,
        new_hash=passwords.hash_password(body.new_password),
        now=changed_at,
        event=changed,
    )
    if not replaced:  # another change won the race: the password we checked is no longer current
        raise InvalidCredentials()
    effects.touch_principal(user.tenant_id, user.user_id)
    effects.announce(changed)
    return PasswordChanged()
