"""Passwords: checking them (with lockout) and changing them.

An unknown email and a wrong password cost the same argon2 verification and give the same 401, so the
answer does not tell whether an account exists. Suspension is reported only after the password matched.

Lockout is per (account, source), with exponential backoff (OWASP ASVS 2.2.1: anti-automation that does
not lock the legitimate user out). Five consecutive failures from one source lock *that source* out of
the account for 15 minutes, then 30, 60, ... up to a day; the right password from any other source still
works, so a stranger's failures cannot deny the owner access. Guessing from many sources is bounded by
the per-address rate limit on the auth routes and argon2's cost per try. The gateway names the source:
the client's address for a login, the session for a password change.
"""

from __future__ import annotations

import time
from typing import NamedTuple

from functions.users import effects, ports
from functions.users.models import Credentials, PasswordChange, PasswordChanged, VerifiedUser
from functions.users.reads import is_user_id
from functions.users.records import Lockout, UserRecord
from shared import passwords
from shared.envelopes import utc_now_iso
from shared.errors import AccountLocked, InvalidCredentials, UserInactive, UserNotFound, UserSuspended

MAX_FAILURES = 5  # consecutive failures from one source before that source is locked out
LOCK_SECONDS = 15 * 60  # the first lock; each further lock of the same source doubles it
MAX_LOCK_SECONDS = 24 * 3600
MEMORY_SECONDS = 24 * 3600  # a source's failures and locks are forgotten a day after the last one
UNKNOWN_SOURCE = "unknown"
clock = time.time  # tests move time forward by replacing this


def _refuse_if_locked(lockout: Lockout) -> None:
    retry_after = lockout.retry_after(clock())
    if retry_after is not None:
        raise AccountLocked(details={"retryAfter": retry_after}, headers={"Retry-After": str(retry_after)})


def _check_password(
    user: UserRecord, password: str, source: str, lockout: Lockout, attempt: str | None = None
) -> None:
    """Raise 401 on a wrong password, counting it (atomically, once per `attempt`) towards this source's
    lockout."""
    if passwords.verify(user.password_hash, password):
        if lockout.failures or lockout.locks:
            ports.lockouts().clear(user.tenant_id, user.user_id, source)
        return
    now = int(clock())
    after = ports.lockouts().add_failure(
        user.tenant_id, user.user_id, source, expires_at=now + MEMORY_SECONDS, attempt=attempt
    )
    if after.failures >= MAX_FAILURES:
        duration = min(LOCK_SECONDS * 2**after.locks, MAX_LOCK_SECONDS)
        ports.lockouts().lock(
            user.tenant_id,
            user.user_id,
            source,
            until=now + duration,
            threshold=MAX_FAILURES,
            expires_at=now + duration + MEMORY_SECONDS,
        )
    raise InvalidCredentials()


class Validated(NamedTuple):
    user: VerifiedUser
    mfa_active: bool  # the second factor is the caller's next step (mfa.require_second_factor)


def validate(body: Credentials) -> Validated:
    source = body.source or UNKNOWN_SOURCE
    # Two calls: the email's claim, then the user, this source's lockout and the MFA factor together.
    found = ports.sign_ins().read(body.tenant_id, body.email, source)
    if found is None:
        passwords.verify(None, body.password)  # the decoy: as slow as a real check
        raise InvalidCredentials()
    user, lockout = found.user, found.lockout
    _refuse_if_locked(lockout)
    _check_password(user, body.password, source, lockout, body.attempt)
    if user.status == "suspended":
        raise UserSuspended()
    if body.require_verified_email and not user.email_verified:
        # Only after the right password: an unverified account is no easier to discover than any other.
        raise UserInactive("Verify your email address first: the tenant requires it")
    verified = VerifiedUser(user_id=user.user_id, email=user.email, status=user.status, profile=user.profile)
    return Validated(verified, found.mfa_active)


def change(user_id: str, body: PasswordChange) -> PasswordChanged:
    """Check the current password (it counts towards the lockout like a login), then replace it and bump
    the user's epoch so that every other session sees the change."""
    if not is_user_id(user_id):
        raise UserNotFound()  # as for an unknown id: no id reveals more than another
    source = body.source or UNKNOWN_SOURCE
    # One call: the user and this source's lockout together.
    found = ports.sign_ins().read_by_id(body.tenant_id, user_id, source)
    if found is None:
        raise UserNotFound()
    user, lockout = found.user, found.lockout
    _refuse_if_locked(lockout)
    _check_password(user, body.current_password, source, lockout)
    passwords.check_strength(body.new_password, field="newPassword")
    changed_at = utc_now_iso()
    changed = effects.event(
        "user.password_changed",
        {"userId": user.user_id, "email": user.email, "changedAt": changed_at},
        tenant_id=user.tenant_id,
    )
    replaced = ports.users().set_password(
        user.tenant_id,
        user.user_id,
        old_hash=user.password_hash,
        new_hash=passwords.hash_password(body.new_password),
        now=changed_at,
        events=[changed],
    )
    if not replaced:  # another change won the race: the password we checked is no longer current
        raise InvalidCredentials()
    effects.touch_principal(user.tenant_id, user.user_id)
    effects.announce(changed)
    return PasswordChanged()
