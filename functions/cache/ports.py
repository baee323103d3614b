"""What the cache's session domain (sessions, principals, invalidation) needs from outside: its store of
sessions and principals. The DynamoDB adapter is `functions.cache.store`; unit tests put the in-memory
fake of `tests/unit/functions/cache/fakes.py` in its place (shared.ports). Admission (`admission`) counts
the rate-limit buckets through its own port (`AdmissionStore`, adapter `functions.cache.admission_store`,
fake in `tests/unit/functions/cache/admission_fakes.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from shared.ports import Port


@dataclass(frozen=True)
class SessionRecord:
    tenant_id: str
    session_id: str
    user_id: str
    refresh_hash: str
    previous_hashes: tuple[str, ...]
    expires_at: int
    revoked: bool
    # The user's session generation when the session opened: a later generation ends it (end_all).
    generation: int = 0
    email: str | None = None

    def is_expired(self, now: float) -> bool:
        return self.expires_at <= now


@dataclass(frozen=True)
class Principal:
    epoch: int
    status: str
    # Moved only by `end_sessions`: sessions opened under an earlier generation have ended.
    generation: int = 0


class SessionsStore(Protocol):
    """Every change whose outcome depends on what is stored is decided by the store (a condition), never
    by a read before it; each method says what it answers when the condition fails. Principals are named
    by their key (`user_pk`, `tenant_pk`)."""

    def user_pk(self, tenant_id: str, user_id: str) -> str: ...

    def tenant_pk(self, tenant_id: str) -> str: ...

    def expiry_partition(self, expires_at: int) -> str: ...

    def put_session(
        self, record: SessionRecord, *, created_at: str, ip: str | None, user_agent: str | None
    ) -> bool:
        """False (nothing written) when the session id is taken."""
        ...

    def get_session(self, tenant_id: str, session_id: str) -> SessionRecord | None: ...

    def replace_hash(
        self,
        tenant_id: str,
        session_id: str,
        *,
        presented: str,
        new_hash: str,
        previous: Sequence[str],
        now: int,
    ) -> bool: ...

    def revoke_session(self, tenant_id: str, session_id: str) -> None: ...

    def expired_sessions(self, day_partition: str, now: int, limit: int) -> list[tuple[str, str, int]]: ...

    def delete_expired_session(self, tenant_id: str, session_id: str, now: int) -> bool: ...

    def get_principal(self, pk: str) -> Principal | None: ...

    def bump_principal(self, pk: str, status: str | None) -> int: ...

    def end_sessions(self, pk: str) -> Principal: ...

    def bump_principal_once(self, pk: str, status: str | None, event_id: str) -> bool: ...

    def read_for_check(
        self, tenant_id: str, user_id: str, session_id: str
    ) -> tuple[SessionRecord | None, Principal | None, Principal | None]: ...


@dataclass(frozen=True)
class Bucket:
    """A rate-limit bucket as the gateway sends it: key parts under the tenant, limit, window, whose."""

    parts: tuple[str, ...]
    limit: int
    window_seconds: int
    scope: str

    def window(self, now: int) -> int:
        return now - now % self.window_seconds

    def retry_after(self, now: int) -> int:
        return max(1, self.window(now) + self.window_seconds - now)


@dataclass(frozen=True)
class Admission:
    """What the admission's one write found: all true when the request was counted."""

    session_ok: bool = True
    user_ok: bool = True
    tenant_ok: bool = True
    refused_by: Bucket | None = None  # the first bucket (in the caller's order) that was full

    @property
    def counted(self) -> bool:
        return self.session_ok and self.user_ok and self.tenant_ok and self.refused_by is None

    @property
    def state_unsure(self) -> bool:
        """A session, user or tenant condition failed: the caller reads them to tell why."""
        return not (self.session_ok and self.user_ok and self.tenant_ok)


class AdmissionStore(Protocol):
    def admit(
        self, tenant_id: str, user_id: str, session_id: str, epoch: int, buckets: Sequence[Bucket]
    ) -> Admission:
        """Count the request in every bucket iff the session is the user's and usable, the user's epoch is
        `epoch` (and the user active) and the tenant not suspended: one write, all or nothing. A
        cancellation that says nothing (a conflict) is every condition unsure, nothing counted."""
        ...

    def count_each(self, tenant_id: str, buckets: Sequence[Bucket]) -> Bucket | None:
        """Count bucket by bucket; the first one over its limit (later ones do not count the request)."""
        ...


def _admission() -> AdmissionStore:
    from functions.cache import admission_store as dynamodb

    return dynamodb


def _dynamodb() -> SessionsStore:
    # Imported on first use (pynamodb loads only where the store is used); mypy checks the module fits.
    from functions.cache import store as dynamodb

    return dynamodb


store: Port[SessionsStore] = Port(_dynamodb)
admission: Port[AdmissionStore] = Port(_admission)
