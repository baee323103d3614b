"""What the cache's session domain (sessions, principals, invalidation) needs from outside: its store of
sessions and principals. The DynamoDB adapter is `functions.cache.store`; unit tests put the in-memory
fake of `tests/unit/functions/cache/fakes.py` in its place (shared.ports). Admission (`admission`,
`admission_store`) still uses its DynamoDB store directly."""

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
    ) -> None: ...

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


def _dynamodb() -> SessionsStore:
    # Imported on first use (pynamodb loads only where the store is used); mypy checks the module fits.
    from functions.cache import store as dynamodb

    return dynamodb


store: Port[SessionsStore] = Port(_dynamodb)
