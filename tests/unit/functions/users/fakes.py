"""The users table in memory: one `UsersTable` (the items, a lock standing in for DynamoDB's per-request
atomicity, the in-memory outbox) and a fake of each store protocol of `functions/users/ports.py` over it.
Every condition the DynamoDB stores have DynamoDB evaluate is evaluated here on the same terms, and a write
that is one transaction there is one step under the lock here, its events staged with it. Items past their
TTL are hidden from reads by real time, as `shared.tables.Item.get_live` hides them."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from functions.users.records import (
    Challenge,
    EmailTaken,
    Factor,
    InvitationMoved,
    InvitationRecord,
    Lockout,
    SignIn,
    TokenRecord,
    UserGone,
    UserRecord,
)
from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from shared.events.model import ServiceEvent
from shared.identifiers import TENANT_ID_PATTERN
from tests.fakes.outbox import InMemoryOutbox

TOKEN_KEPT = 24 * 3600  # token_store.KEPT_AFTER_EXPIRY
INVITATION_KEPT = 30 * 24 * 3600  # invitation_store.KEPT_AFTER_EXPIRY
_TENANT_ID = re.compile(TENANT_ID_PATTERN)
T = TypeVar("T")


def _checked(tenant_id: str) -> str:
    """As `shared.tables.tenant_key`: a malformed tenant id is a ValueError, never a key."""
    if not _TENANT_ID.fullmatch(tenant_id):
        raise ValueError(f"not a tenant id: {tenant_id!r}")
    return tenant_id


@dataclass
class StoredLockout:
    lockout: Lockout
    expires_at: int
    attempts: frozenset[str] = frozenset()  # the attempts counted (add_failure's `attempt`)


@dataclass
class UsersTable:
    outbox: InMemoryOutbox
    users: dict[tuple[str, str], UserRecord] = field(default_factory=dict)
    claims: dict[tuple[str, str], str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    lockouts: dict[tuple[str, str, str], StoredLockout] = field(default_factory=dict)
    tokens: dict[tuple[str, str], TokenRecord] = field(default_factory=dict)
    invitations: dict[tuple[str, str], InvitationRecord] = field(default_factory=dict)
    factors: dict[tuple[str, str], Factor] = field(default_factory=dict)
    challenges: dict[tuple[str, str], Challenge] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def commit(self, events: Sequence[ServiceEvent] = (), withdraw: Sequence[ServiceEvent] = ()) -> None:
        self.outbox.stage(*events)
        self.outbox.unstage(*withdraw)

    # --- the user, its claim and the count: shared by the stores that write them in one transaction ---
    def can_insert(self, user: UserRecord) -> None:
        if (user.tenant_id, user.email) in self.claims:
            raise EmailTaken(user.email)
        if (user.tenant_id, user.user_id) in self.users:
            raise UserGone(user.user_id)

    def insert(self, user: UserRecord) -> None:
        self.users[(user.tenant_id, user.user_id)] = user
        self.claims[(user.tenant_id, user.email)] = user.user_id
        self.counts[user.tenant_id] = self.counts.get(user.tenant_id, 0) + 1

    def can_remove(self, user: UserRecord) -> bool:
        stored = self.users.get((user.tenant_id, user.user_id))
        return (
            stored is not None
            and stored.email == user.email
            and self.claims.get((user.tenant_id, user.email)) == user.user_id
        )

    def remove(self, user: UserRecord) -> None:
        del self.users[(user.tenant_id, user.user_id)]
        del self.claims[(user.tenant_id, user.email)]
        self.counts[user.tenant_id] = self.counts.get(user.tenant_id, 0) - 1


def _page(
    keyed: list[tuple[str, T]],
    pk: str,
    prefix: str,
    *,
    page_size: int,
    cursor: str | None,
    backwards: bool = False,
) -> tuple[list[T], str | None]:
    """A Query of one partition's `prefix` items, cut and keyed as DynamoDB does (the cursor holds the last
    key; a full page has one even when nothing follows)."""
    last_key, number = Cursor.decode(cursor)
    after: str | None = None
    if last_key is not None:
        sk = last_key.get("sk", {}).get("S") if isinstance(last_key.get("sk"), dict) else None
        if last_key.get("pk") != {"S": pk} or set(last_key) != {"pk", "sk"} or not str(sk).startswith(prefix):
            raise InvalidRequest("The cursor is not valid", field="cursor")
        after = str(sk)
    ordered = sorted(keyed, key=lambda pair: pair[0], reverse=backwards)
    if after is not None:
        ordered = [(sk, v) for sk, v in ordered if (sk < after if backwards else sk > after)]
    taken = ordered[:page_size]
    next_key = {"pk": {"S": pk}, "sk": {"S": taken[-1][0]}} if len(taken) == page_size and taken else None
    return [value for _, value in taken], Cursor.encode(next_key, page=number + 1)


def _partition(tenant_id: str) -> str:
    return f"TENANT#{_checked(tenant_id)}#USERS"


class FakeUserStore:
    def __init__(self, table: UsersTable) -> None:
        self.table = table

    def get(self, tenant_id: str, user_id: str) -> UserRecord | None:
        return self.table.users.get((_checked(tenant_id), user_id))

    def get_many(self, tenant_id: str, user_ids: Sequence[str]) -> list[UserRecord]:
        found = (self.table.users.get((_checked(tenant_id), i)) for i in dict.fromkeys(user_ids))
        return [user for user in found if user is not None]

    def find_by_email(self, tenant_id: str, email: str) -> UserRecord | None:
        user_id = self.table.claims.get((_checked(tenant_id), email))
        return None if user_id is None else self.get(tenant_id, user_id)

    def total(self, tenant_id: str) -> int:
        return max(0, self.table.counts.get(_checked(tenant_id), 0))

    def page(
        self, tenant_id: str, *, page_size: int, cursor: str | None
    ) -> tuple[list[UserRecord], str | None]:
        keyed = [(f"USER#{u}", user) for (t, u), user in self.table.users.items() if t == tenant_id]
        return _page(keyed, _partition(tenant_id), "USER#", page_size=page_size, cursor=cursor)

    def insert(self, user: UserRecord, *, events: Sequence[ServiceEvent] = ()) -> None:
        with self.table.lock:
            self.table.can_insert(user)
            self.table.insert(user)
            self.table.commit(events)

    def remove(
        self, user: UserRecord, *, events: Sequence[ServiceEvent] = (), withdraw: Sequence[ServiceEvent] = ()
    ) -> None:
        with self.table.lock:
            if not self.table.can_remove(user):
                raise UserGone(user.user_id)
            self.table.remove(user)
            self.table.commit(events, withdraw)

    def _change(
        self, tenant_id: str, user_id: str, events: Sequence[ServiceEvent], **changes: object
    ) -> UserRecord | None:
        stored = self.table.users.get((_checked(tenant_id), user_id))
        if stored is None:
            return None
        after = replace(stored, **changes)  # type: ignore[arg-type]
        self.table.users[(tenant_id, user_id)] = after
        self.table.commit(events)
        return after

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
        with self.table.lock:
            stored = self.get(tenant_id, user_id)
            if stored is None or stored.password_hash != old_hash:
                return False
            return (
                self._change(tenant_id, user_id, events, password_hash=new_hash, updated_at=now) is not None
            )

    def set_status(
        self, tenant_id: str, user_id: str, status: str, *, now: str, events: Sequence[ServiceEvent] = ()
    ) -> UserRecord | None:
        with self.table.lock:
            return self._change(tenant_id, user_id, events, status=status, updated_at=now)

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
        with self.table.lock:
            stored = self.get(tenant_id, user_id)
            if stored is None:
                return None
            profile = {k: v for k, v in {**stored.profile, **put}.items() if k not in drop}
            return self._change(tenant_id, user_id, events, profile=profile, updated_at=now)


class FakeLockoutStore:
    def __init__(self, table: UsersTable) -> None:
        self.table = table

    def _key(self, tenant_id: str, user_id: str, source: str) -> tuple[str, str, str]:
        return _checked(tenant_id), user_id, source

    def get(self, tenant_id: str, user_id: str, source: str) -> Lockout:
        stored = self.table.lockouts.get(self._key(tenant_id, user_id, source))
        return stored.lockout if stored is not None and stored.expires_at > time.time() else Lockout()

    def add_failure(
        self, tenant_id: str, user_id: str, source: str, *, expires_at: int, attempt: str | None = None
    ) -> Lockout:
        with self.table.lock:
            key = self._key(tenant_id, user_id, source)
            stored = self.table.lockouts.get(key)
            before = stored.lockout if stored is not None else Lockout()  # an expired item still counts
            if attempt is not None and stored is not None and attempt in stored.attempts:
                return self.get(tenant_id, user_id, source)  # counted already: as it stands
            after = replace(before, failures=before.failures + 1)
            counted = stored.attempts if stored is not None else frozenset()
            if attempt is not None:
                counted |= {attempt}
            self.table.lockouts[key] = StoredLockout(after, expires_at, counted)
            return after

    def lock(
        self, tenant_id: str, user_id: str, source: str, *, until: int, threshold: int, expires_at: int
    ) -> bool:
        with self.table.lock:
            key = self._key(tenant_id, user_id, source)
            stored = self.table.lockouts.get(key)
            if stored is None or stored.lockout.failures < threshold:
                return False
            locked = Lockout(failures=0, locked_until=until, locks=stored.lockout.locks + 1)
            self.table.lockouts[key] = StoredLockout(locked, expires_at, stored.attempts)
            return True

    def clear(self, tenant_id: str, user_id: str, source: str) -> None:
        with self.table.lock:
            self.table.lockouts.pop(self._key(tenant_id, user_id, source), None)

    def clear_all(self, tenant_id: str, user_id: str) -> int:
        with self.table.lock:
            keys = [k for k in self.table.lockouts if k[:2] == (_checked(tenant_id), user_id)]
            for key in keys:
                del self.table.lockouts[key]
            return len(keys)


class FakeSignInStore:
    def __init__(self, table: UsersTable) -> None:
        self.table = table
        self.users, self.lockouts = FakeUserStore(table), FakeLockoutStore(table)

    def read(self, tenant_id: str, email: str, source: str) -> SignIn | None:
        user = self.users.find_by_email(tenant_id, email)
        if user is None:
            return None
        factor = self.table.factors.get((tenant_id, user.user_id))
        lockout = self.lockouts.get(tenant_id, user.user_id, source)
        return SignIn(user, lockout, mfa_active=factor is not None and factor.status == "active")

    def read_by_id(self, tenant_id: str, user_id: str, source: str) -> SignIn | None:
        user = self.users.get(tenant_id, user_id)
        return None if user is None else SignIn(user, self.lockouts.get(tenant_id, user_id, source))


class FakeTokenStore:
    def __init__(self, table: UsersTable) -> None:
        self.table = table

    def get(self, tenant_id: str, token_id: str) -> TokenRecord | None:
        record = self.table.tokens.get((_checked(tenant_id), token_id))
        return record if record is not None and record.valid_until + TOKEN_KEPT > time.time() else None

    def insert(self, record: TokenRecord, *, events: Sequence[ServiceEvent] = ()) -> bool:
        with self.table.lock:
            key = (_checked(record.tenant_id), record.token_id)
            if key in self.table.tokens:
                return False
            self.table.tokens[key] = record
            self.table.commit(events)
            return True

    def _holds(self, token: TokenRecord) -> bool:
        stored = self.table.tokens.get((token.tenant_id, token.token_id))
        return stored is not None and stored.secret_hash == token.secret_hash

    def _password_is(self, user: UserRecord, password_hash: str) -> bool:
        stored = self.table.users.get((user.tenant_id, user.user_id))
        return stored is not None and stored.password_hash == password_hash

    def _set_password(self, user: UserRecord, password_hash: str, now: str) -> None:
        key = (user.tenant_id, user.user_id)
        self.table.users[key] = replace(self.table.users[key], password_hash=password_hash, updated_at=now)

    def use_for_reset(
        self,
        token: TokenRecord,
        user: UserRecord,
        *,
        new_hash: str,
        now: str,
        events: Sequence[ServiceEvent] = (),
    ) -> bool:
        with self.table.lock:
            if not self._holds(token) or not self._password_is(user, user.password_hash):
                return False
            del self.table.tokens[(token.tenant_id, token.token_id)]
            self._set_password(user, new_hash, now)
            self.table.commit(events)
            return True

    def undo_reset(
        self,
        token: TokenRecord,
        user: UserRecord,
        *,
        new_hash: str,
        now: str,
        withdraw: Sequence[ServiceEvent] = (),
    ) -> bool:
        with self.table.lock:
            if (token.tenant_id, token.token_id) in self.table.tokens or not self._password_is(
                user, new_hash
            ):
                return False
            self.table.tokens[(token.tenant_id, token.token_id)] = token
            self._set_password(user, user.password_hash, now)
            self.table.commit(withdraw=withdraw)
            return True

    def use_for_verification(
        self, token: TokenRecord, user: UserRecord, *, now: str, events: Sequence[ServiceEvent] = ()
    ) -> bool:
        with self.table.lock:
            if not self._holds(token):
                return False
            key = (user.tenant_id, user.user_id)
            if not user.email_verified:
                stored = self.table.users.get(key)
                if stored is None or stored.email != user.email:
                    return False
                self.table.users[key] = replace(stored, email_verified=True, updated_at=now)
            del self.table.tokens[(token.tenant_id, token.token_id)]
            self.table.commit(events)
            return True


class FakeInvitationStore:
    def __init__(self, table: UsersTable) -> None:
        self.table = table

    def get(self, tenant_id: str, invitation_id: str) -> InvitationRecord | None:
        record = self.table.invitations.get((_checked(tenant_id), invitation_id))
        return record if record is not None and record.valid_until + INVITATION_KEPT > time.time() else None

    def page(
        self, tenant_id: str, *, page_size: int, cursor: str | None
    ) -> tuple[list[InvitationRecord], str | None]:
        keyed = [
            (f"INVITE#{i}", record)
            for (t, i), record in self.table.invitations.items()
            if t == tenant_id and self.get(t, i) is not None
        ]
        return _page(
            keyed, _partition(tenant_id), "INVITE#", page_size=page_size, cursor=cursor, backwards=True
        )

    def insert(self, record: InvitationRecord, *, events: Sequence[ServiceEvent] = ()) -> None:
        with self.table.lock:
            key = (_checked(record.tenant_id), record.invitation_id)
            if key in self.table.invitations:
                raise RuntimeError(f"invitation id collided: {record.invitation_id}")
            self.table.invitations[key] = record
            self.table.commit(events)

    def revoke(self, record: InvitationRecord, *, at: str, events: Sequence[ServiceEvent] = ()) -> bool:
        with self.table.lock:
            key = (record.tenant_id, record.invitation_id)
            stored = self.table.invitations.get(key)
            if stored is None or stored.status != "pending":
                return False
            self.table.invitations[key] = replace(stored, status="revoked", updated_at=at)
            self.table.commit(events)
            return True

    def accept(
        self,
        record: InvitationRecord,
        user: UserRecord,
        *,
        now: int,
        at: str,
        events: Sequence[ServiceEvent] = (),
    ) -> None:
        with self.table.lock:
            key = (record.tenant_id, record.invitation_id)
            stored = self.table.invitations.get(key)
            if (user.tenant_id, user.email) in self.table.claims:
                raise EmailTaken(user.email)
            if (
                stored is None
                or stored.status != "pending"
                or stored.secret_hash != record.secret_hash
                or stored.valid_until <= now
            ):
                raise InvitationMoved(record.invitation_id)
            self.table.can_insert(user)
            self.table.insert(user)
            self.table.invitations[key] = replace(
                stored, status="accepted", accepted_user_id=user.user_id, updated_at=at
            )
            self.table.commit(events)

    def reopen(
        self, record: InvitationRecord, user: UserRecord, *, at: str, withdraw: Sequence[ServiceEvent] = ()
    ) -> None:
        with self.table.lock:
            key = (record.tenant_id, record.invitation_id)
            stored = self.table.invitations.get(key)
            if (
                stored is None
                or stored.status != "accepted"
                or stored.accepted_user_id != user.user_id
                or not self.table.can_remove(user)
            ):
                raise UserGone(user.user_id)
            self.table.remove(user)
            self.table.invitations[key] = replace(
                stored, status="pending", accepted_user_id=None, updated_at=at
            )
            self.table.commit(withdraw=withdraw)


class FakeFactorStore:
    def __init__(self, table: UsersTable) -> None:
        self.table = table

    def get(self, tenant_id: str, user_id: str) -> Factor | None:
        return self.table.factors.get((_checked(tenant_id), user_id))

    def put_pending(self, tenant_id: str, user_id: str, sealed_secret: str, *, now: str) -> bool:
        with self.table.lock:
            stored = self.get(tenant_id, user_id)
            if stored is not None and stored.status != "pending":
                return False
            self.table.factors[(tenant_id, user_id)] = Factor(
                user_id=user_id,
                status="pending",
                secret=None,
                pending_secret=sealed_secret,
                last_step=0,
                recovery=frozenset(),
            )
            return True

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
        with self.table.lock:
            stored = self.get(tenant_id, user_id)
            if stored is None or stored.status != "pending" or stored.pending_secret != pending_secret:
                return False
            self.table.factors[(tenant_id, user_id)] = replace(
                stored,
                status="active",
                secret=pending_secret,
                pending_secret=None,
                last_step=step,
                recovery=frozenset(recovery_hashes),
            )
            self.table.commit(events)
            return True

    def remove(self, tenant_id: str, user_id: str, *, events: Sequence[ServiceEvent] = ()) -> bool:
        with self.table.lock:
            if self.table.factors.pop((_checked(tenant_id), user_id), None) is None:
                return False
            self.table.commit(events)
            return True

    def forget(self, tenant_id: str, user_id: str) -> None:
        with self.table.lock:
            self.table.factors.pop((_checked(tenant_id), user_id), None)

    def accept_step(self, tenant_id: str, user_id: str, step: int) -> bool:
        with self.table.lock:
            stored = self.get(tenant_id, user_id)
            if stored is None or stored.status != "active" or stored.last_step >= step:
                return False
            self.table.factors[(tenant_id, user_id)] = replace(stored, last_step=step)
            return True

    def use_recovery_code(self, tenant_id: str, user_id: str, code_hash: str) -> bool:
        with self.table.lock:
            stored = self.get(tenant_id, user_id)
            if stored is None or stored.status != "active" or code_hash not in stored.recovery:
                return False
            self.table.factors[(tenant_id, user_id)] = replace(stored, recovery=stored.recovery - {code_hash})
            return True


class FakeChallengeStore:
    def __init__(self, table: UsersTable) -> None:
        self.table = table

    def put(self, tenant_id: str, challenge: Challenge) -> None:
        with self.table.lock:
            key = (_checked(tenant_id), challenge.challenge_id)
            if key in self.table.challenges:
                raise RuntimeError(f"challenge id collided: {challenge.challenge_id}")
            self.table.challenges[key] = challenge

    def get(self, tenant_id: str, challenge_id: str, *, now: float) -> Challenge | None:
        found = self.table.challenges.get((_checked(tenant_id), challenge_id))
        return found if found is not None and found.expires_at > now else None

    def consume(self, tenant_id: str, challenge: Challenge, *, now: float) -> bool:
        with self.table.lock:
            key = (_checked(tenant_id), challenge.challenge_id)
            stored = self.table.challenges.get(key)
            if stored is None or stored.secret_hash != challenge.secret_hash or stored.expires_at <= now:
                return False
            del self.table.challenges[key]
            return True
