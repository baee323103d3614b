"""The admission store in memory (`ports.AdmissionStore`), over the in-memory sessions store: the
conditions of the one TransactWriteItems (the session the user's and usable, the epoch the token's and the
user active, the tenant not suspended, every bucket with room) decided together, all counted or none.
`conflicts` makes the next admissions come back cancelled for a conflict (nothing said, nothing counted),
as DynamoDB does when another transaction holds the tenant's counter."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from functions.cache import store as keys
from functions.cache.admission_store import bucket_pk
from functions.cache.ports import Admission, Bucket
from tests.unit.functions.cache.fakes import FakeSessionsStore


class FakeAdmission:
    def __init__(self, sessions: FakeSessionsStore) -> None:
        self.sessions = sessions
        self.hits: dict[str, int] = {}  # bucket pk (with its window) -> hits
        self.calls: list[str] = []
        self.conflicts = 0
        self._lock = threading.Lock()

    def admit(
        self, tenant_id: str, user_id: str, session_id: str, epoch: int, buckets: Sequence[Bucket]
    ) -> Admission:
        self.calls.append("admit")
        now = int(time.time())
        with self._lock:
            if self.conflicts:
                self.conflicts -= 1
                return Admission(session_ok=False, user_ok=False, tenant_ok=False)
            stored = self.sessions.get_session(tenant_id, session_id)
            session_ok = (
                stored is not None
                and stored.user_id == user_id
                and not stored.revoked
                and stored.expires_at > now
            )
            user = self.sessions.principals.get(keys.user_pk(tenant_id, user_id))
            # No principal: as DynamoDB's `attribute_not_exists(epoch)`, which only a token of epoch 0 meets.
            user_ok = epoch == 0 if user is None else (user.epoch == epoch and user.status == "active")
            tenant = self.sessions.principals.get(keys.tenant_pk(tenant_id))
            tenant_ok = tenant is None or tenant.status != "suspended"
            full = [b for b in buckets if self.hits.get(bucket_pk(tenant_id, b, now), 0) >= b.limit]
            found = Admission(session_ok, user_ok, tenant_ok, full[0] if full else None)
            if found.counted:
                for bucket in buckets:
                    key = bucket_pk(tenant_id, bucket, now)
                    self.hits[key] = self.hits.get(key, 0) + 1
            return found

    def count_each(self, tenant_id: str, buckets: Sequence[Bucket]) -> Bucket | None:
        self.calls.append("count_each")
        now = int(time.time())
        with self._lock:
            for bucket in buckets:
                key = bucket_pk(tenant_id, bucket, now)
                self.hits[key] = self.hits.get(key, 0) + 1
                if self.hits[key] > bucket.limit:
                    return bucket
            return None

    def count(self, tenant_id: str, bucket: Bucket) -> int:
        """The bucket's hits in its current window."""
        return self.hits.get(bucket_pk(tenant_id, bucket, int(time.time())), 0)
