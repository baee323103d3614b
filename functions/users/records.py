"""The records the users stores return (one type per store) and the answers of their conditions
(functions/users/ports.py has the stores' protocols)."""

from __future__ import annotations

from dataclasses import dataclass, field


class EmailTaken(Exception):
    """Another user of the tenant already holds the email claim."""


class UserGone(Exception):
    """The user (or its claim) changed or vanished between our read and our write."""


class InvitationMoved(Exception):
    """The invitation is no longer pending, unexpired and holding the secret presented."""


# --- records -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UserRecord:
    tenant_id: str
    user_id: str
    email: str
    password_hash: str
    status: str = "active"
    profile: dict[str, str] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""
    email_verified: bool = False


@dataclass(frozen=True)
class Lockout:
    """One source's failures against one account (credentials.py decides what they mean)."""

    failures: int = 0
    locked_until: int | None = None
    locks: int = 0  # how many times this source was locked out: the backoff's exponent

    def retry_after(self, now: float) -> int | None:
        """Seconds until this source may try again, or None when it may try now."""
        if self.locked_until is None or self.locked_until <= now:
            return None
        return max(1, int(self.locked_until - now))


@dataclass(frozen=True)
class SignIn:
    """What a sign-in checks, read together: the user, this source's lockout, whether MFA is on (False
    when not read: a password change does not ask)."""

    user: UserRecord
    lockout: Lockout
    mfa_active: bool = False


@dataclass(frozen=True)
class TokenRecord:
    """A password-reset or email-verification link (only the hash of its secret)."""

    tenant_id: str
    token_id: str
    kind: str  # reset / verify
    user_id: str
    secret_hash: str
    valid_until: int
    stamp: str  # reset: sha256 of the password hash at issue; verify: the address
    created_at: str


@dataclass(frozen=True)
class InvitationRecord:
    tenant_id: str
    invitation_id: str
    email: str
    roles: tuple[str, ...]
    status: str
    secret_hash: str
    valid_until: int
    invited_by: str
    created_at: str
    updated_at: str
    accepted_user_id: str | None = None


@dataclass(frozen=True)
class Factor:
    user_id: str
    status: str  # pending / active
    secret: str | None  # sealed
    pending_secret: str | None  # sealed
    last_step: int
    recovery: frozenset[str]


@dataclass(frozen=True)
class Challenge:
    challenge_id: str
    user_id: str
    secret_hash: str
    purpose: str
    expires_at: int
