"""The sessions store in memory (`ports.SessionsStore`): every condition the DynamoDB store has DynamoDB
evaluate is evaluated here on the same terms, one call at a time (a lock stands in for DynamoDB's
per-request atomicity). Keys are the real store's (`functions.cache.store`'s pure key functions), so a
principal named by its pk is the same principal on both."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

from functions.cache import store as keys
from functions.cache.ports import Principal, SessionRecord


@dataclass(frozen=True)
class StoredSession:
    record: SessionRecord
    created_at: str
    ip: str | None
    user_agent: str | None


class FakeSessionsStore:
    def __init__(self) -> None:
        self.sessions: dict[tuple[str, str], StoredSession] = {}
        self.principals: dict[str, Principal] = {}
        self.bumped_for: set[tuple[str, str]] = set()  # (principal pk, event id): the bump markers
        self._lock = threading.Lock()

    # --- keys --------------------------------------------------------------------------------------
    def user_pk(self, tenant_id: str, user_id: str) -> str:
        return keys.user_pk(tenant_id, user_id)

    def tenant_pk(self, tenant_id: str) -> str:
        return keys.tenant_pk(tenant_id)

    def expiry_partition(self, expires_at: int) -> str:
        return keys.expiry_partition(expires_at)

    # --- sessions ----------------------------------------------------------------------------------
    def put_session(
        self, record: SessionRecord, *, created_at: str, ip: str | None, user_agent: str | None
    ) -> bool:
        keys.session_pk(record.tenant_id, record.session_id)  # the same refusal of a malformed key
        with self._lock:
            key = (record.tenant_id, record.session_id)
            if key in self.sessions:
                return False
            self.sessions[key] = StoredSession(record, created_at, ip or None, user_agent or None)
            return True

    def get_session(self, tenant_id: str, session_id: str) -> SessionRecord | None:
        found = self.sessions.get((tenant_id, session_id))
        return found.record if found else None

    def replace_hash(
        self,
        tenant_id: str,
        session_id: str,
        *,
        presented: str,
        new_hash: str,
        previous: Sequence[str],
        now: int,
    ) -> bool:
        with self._lock:
            found = self.sessions.get((tenant_id, session_id))
            if found is None:
                return False
            record = found.record
            if record.refresh_hash != presented or record.revoked or record.expires_at <= now:
                return False
            changed = replace(record, refresh_hash=new_hash, previous_hashes=tuple(previous))
            self.sessions[(tenant_id, session_id)] = replace(found, record=changed)
            return True

    def revoke_session(self, tenant_id: str, session_id: str) -> None:
        with self._lock:
            found = self.sessions.get((tenant_id, session_id))
            if found is not None:
                self.sessions[(tenant_id, session_id)] = replace(
                    found, record=replace(found.record, revoked=True)
                )

    def expired_sessions(self, day_partition: str, now: int, limit: int) -> list[tuple[str, str, int]]:
        listed = sorted(
            (s.record.expires_at, s.record.tenant_id, s.record.session_id)
            for s in self.sessions.values()
            if keys.expiry_partition(s.record.expires_at) == day_partition and s.record.expires_at <= now
        )
        return [(tenant_id, session_id, expires) for expires, tenant_id, session_id in listed[:limit]]

    def delete_expired_session(self, tenant_id: str, session_id: str, now: int) -> bool:
        with self._lock:
            found = self.sessions.get((tenant_id, session_id))
            if found is None or found.record.expires_at > now:
                return False
            del self.sessions[(tenant_id, session_id)]
            return True

    # --- principals --------------------------------------------------------------------------------
    def get_principal(self, pk: str) -> Principal | None:
        return self.principals.get(pk)

    def bump_principal(self, pk: str, status: str | None) -> int:
        with self._lock:
            return self._bump(pk, status).epoch

    def end_sessions(self, pk: str) -> Principal:
        with self._lock:
            bumped = self._bump(pk, None)
            ended = replace(bumped, generation=bumped.generation + 1)
            self.principals[pk] = ended
            return ended

    def bump_principal_once(self, pk: str, status: str | None, event_id: str) -> bool:
        with self._lock:
            if (pk, event_id) in self.bumped_for:
                return False
            self.bumped_for.add((pk, event_id))
            self._bump(pk, status)
            return True

    def _bump(self, pk: str, status: str | None) -> Principal:
        current = self.principals.get(pk) or Principal(epoch=0, status="active")
        bumped = replace(current, epoch=current.epoch + 1, status=status or current.status)
        self.principals[pk] = bumped
        return bumped

    # --- the check's one read ----------------------------------------------------------------------
    def read_for_check(
        self, tenant_id: str, user_id: str, session_id: str
    ) -> tuple[SessionRecord | None, Principal | None, Principal | None]:
        return (
            self.get_session(tenant_id, session_id),
            self.principals.get(keys.user_pk(tenant_id, user_id)),
            self.principals.get(keys.tenant_pk(tenant_id)),
        )
