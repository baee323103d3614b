"""What the users domain (accounts, credentials, links, invitations, MFA) needs from outside: the stores of
the `users` table, one per noun and record type (functions/users/records.py), and the outbox. The DynamoDB
adapters are the `*store` modules and `lockouts` (pynamodb models; shared.transactions for writes that
succeed or fail together); unit tests put the in-memory fakes of `tests/unit/functions/users/fakes.py` in
their place (shared.ports).

Every write whose outcome depends on what is stored is decided by the store (a DynamoDB condition), never
by a read before it; each method says what it answers when the condition fails. Events given to a write
(`events`) are staged with it, in the same transaction; `withdraw` takes back those of a write undone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from functions.users.records import (
    Challenge,
    Factor,
    InvitationRecord,
    Lockout,
    SignIn,
    TokenRecord,
    UserRecord,
)
from shared.events.model import ServiceEvent
from shared.ports import EventOutbox, Port, kernel_outbox


# --- stores --------------------------------------------------------------------------------------------
class UserStore(Protocol):
    """Users, their email claims and the tenant's count (functions/users/store.py)."""

    def get(self, tenant_id: str, user_id: str) -> UserRecord | None: ...

    def get_many(self, tenant_id: str, user_ids: Sequence[str]) -> list[UserRecord]: ...

    def find_by_email(self, tenant_id: str, email: str) -> UserRecord | None: ...

    def total(self, tenant_id: str) -> int: ...

    def page(
        self, tenant_id: str, *, page_size: int, cursor: str | None
    ) -> tuple[list[UserRecord], str | None]: ...

    def insert(self, user: UserRecord, *, events: Sequence[ServiceEvent] = ()) -> None:
        """User, claim and count together; EmailTaken when the tenant has the address already."""

    def remove(
        self, user: UserRecord, *, events: Sequence[ServiceEvent] = (), withdraw: Sequence[ServiceEvent] = ()
    ) -> None:
        """User, claim and count together; UserGone when either no longer matches (never counted twice)."""

    def set_password(
        self,
        tenant_id: str,
        user_id: str,
        *,
        old_hash: str,
        new_hash: str,
        now: str,
        events: Sequence[ServiceEvent] = (),
    ) -> bool:
        """Only while the hash is still `old_hash`: False otherwise (another change won)."""

    def set_status(
        self, tenant_id: str, user_id: str, status: str, *, now: str, events: Sequence[ServiceEvent] = ()
    ) -> UserRecord | None:
        """The user after it; None when it does not exist."""

    def patch_profile(
        self,
        tenant_id: str,
        user_id: str,
        *,
        put: Mapping[str, str],
        drop: Sequence[str],
        now: str,
        events: Sequence[ServiceEvent] = (),
    ) -> UserRecord | None:
        """SET/REMOVE single profile keys; the user after it, None when it does not exist."""


class SignInStore(Protocol):
    """The reads of a sign-in (functions/users/sign_in_store.py): few calls, strongly consistent."""

    def read(self, tenant_id: str, email: str, source: str) -> SignIn | None:
        """The email's user with its lockout and MFA state; None for an unknown email."""

    def read_by_id(self, tenant_id: str, user_id: str, source: str) -> SignIn | None:
        """The user and its lockout (`mfa_active` not read); None for an unknown user."""


class LockoutStore(Protocol):
    """Failures per (account, source) (functions/users/lockouts.py)."""

    def get(self, tenant_id: str, user_id: str, source: str) -> Lockout: ...

    def add_failure(
        self, tenant_id: str, user_id: str, source: str, *, expires_at: int, attempt: str | None = None
    ) -> Lockout:
        """One more failure, counted atomically; the lockout after it. With `attempt`, at most once per
        attempt: a repeat counts nothing and answers the lockout as it is."""

    def lock(
        self, tenant_id: str, user_id: str, source: str, *, until: int, threshold: int, expires_at: int
    ) -> bool:
        """Lock and count afresh, only while the failures still reach `threshold` (else False)."""

    def clear(self, tenant_id: str, user_id: str, source: str) -> None: ...

    def clear_all(self, tenant_id: str, user_id: str) -> int: ...


class TokenStore(Protocol):
    """Emailed links (functions/users/token_store.py). Using one deletes it in the write it is for, only
    while it holds the secret presented: a link works once."""

    def get(self, tenant_id: str, token_id: str) -> TokenRecord | None: ...

    def insert(self, record: TokenRecord, *, events: Sequence[ServiceEvent] = ()) -> bool:
        """False when the id is taken."""

    def use_for_reset(
        self,
        token: TokenRecord,
        user: UserRecord,
        *,
        new_hash: str,
        now: str,
        events: Sequence[ServiceEvent] = (),
    ) -> bool:
        """The link used and the password replaced, if it is still `user`'s; False otherwise."""

    def undo_reset(
        self,
        token: TokenRecord,
        user: UserRecord,
        *,
        new_hash: str,
        now: str,
        withdraw: Sequence[ServiceEvent] = (),
    ) -> bool:
        """The old password and the link back, if the password is still `new_hash`."""

    def use_for_verification(
        self, token: TokenRecord, user: UserRecord, *, now: str, events: Sequence[ServiceEvent] = ()
    ) -> bool:
        """The link used and (if `user` is not verified yet) the address verified, while it is still
        `user.email`; False otherwise."""


class InvitationStore(Protocol):
    """Invitations (functions/users/invitation_store.py), newest first."""

    def get(self, tenant_id: str, invitation_id: str) -> InvitationRecord | None: ...

    def page(
        self, tenant_id: str, *, page_size: int, cursor: str | None
    ) -> tuple[list[InvitationRecord], str | None]: ...

    def insert(self, record: InvitationRecord, *, events: Sequence[ServiceEvent] = ()) -> None: ...

    def revoke(self, record: InvitationRecord, *, at: str, events: Sequence[ServiceEvent] = ()) -> bool:
        """pending → revoked; False when it is no longer pending."""

    def accept(
        self,
        record: InvitationRecord,
        user: UserRecord,
        *,
        now: int,
        at: str,
        events: Sequence[ServiceEvent] = (),
    ) -> None:
        """The user created (as `UserStore.insert`) and the invitation accepted by it, together: EmailTaken,
        or InvitationMoved when it is no longer pending, unexpired and holding the same secret."""

    def reopen(
        self, record: InvitationRecord, user: UserRecord, *, at: str, withdraw: Sequence[ServiceEvent] = ()
    ) -> None:
        """Undo `accept`: the user removed, the invitation pending again. UserGone when it moved."""


class FactorStore(Protocol):
    """The MFA factor of a user (functions/users/mfa_store.py)."""

    def get(self, tenant_id: str, user_id: str) -> Factor | None: ...

    def put_pending(self, tenant_id: str, user_id: str, sealed_secret: str, *, now: str) -> bool:
        """Start (or restart) an enrolment; False when MFA is already active."""

    def activate(
        self,
        tenant_id: str,
        user_id: str,
        *,
        pending_secret: str,
        step: int,
        recovery_hashes: Sequence[str],
        now: str,
        events: Sequence[ServiceEvent] = (),
    ) -> bool:
        """pending → active, only while the pending secret is the one checked."""

    def remove(self, tenant_id: str, user_id: str, *, events: Sequence[ServiceEvent] = ()) -> bool:
        """False when there was none."""

    def forget(self, tenant_id: str, user_id: str) -> None: ...

    def accept_step(self, tenant_id: str, user_id: str, step: int) -> bool:
        """Only a step later than every one accepted before."""

    def use_recovery_code(self, tenant_id: str, user_id: str, code_hash: str) -> bool:
        """Only while the code is unused."""


class ChallengeStore(Protocol):
    """The mfaTokens of logins that passed their password (functions/users/challenge_store.py)."""

    def put(self, tenant_id: str, challenge: Challenge) -> None: ...

    def get(self, tenant_id: str, challenge_id: str, *, now: float) -> Challenge | None: ...

    def consume(self, tenant_id: str, challenge: Challenge, *, now: float) -> bool:
        """Only while it is there, unexpired and holding the same secret: of two uses, one wins."""


# --- the ports: real adapters imported on first use (pynamodb loads only where a store is used) --------
def _users() -> UserStore:
    from functions.users import store

    return store


def _sign_ins() -> SignInStore:
    from functions.users import sign_in_store

    return sign_in_store


def _lockouts() -> LockoutStore:
    from functions.users import lockouts

    return lockouts


def _tokens() -> TokenStore:
    from functions.users import token_store

    return token_store


def _invitations() -> InvitationStore:
    from functions.users import invitation_store

    return invitation_store


def _factors() -> FactorStore:
    from functions.users import mfa_store

    return mfa_store


def _challenges() -> ChallengeStore:
    from functions.users import challenge_store

    return challenge_store


users: Port[UserStore] = Port(_users)
sign_ins: Port[SignInStore] = Port(_sign_ins)
lockouts: Port[LockoutStore] = Port(_lockouts)
tokens: Port[TokenStore] = Port(_tokens)
invitations: Port[InvitationStore] = Port(_invitations)
factors: Port[FactorStore] = Port(_factors)
challenges: Port[ChallengeStore] = Port(_challenges)
outbox: Port[EventOutbox] = Port(kernel_outbox)
