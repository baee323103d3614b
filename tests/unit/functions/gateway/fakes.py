"""The gateway's tables in memory (`ports.ApiKeysStore`, `ports.RateCounters`), with the calls each got,
in order, so domain tests can say how many reads and writes a request costs (each method is one DynamoDB
call on the real adapters: test_store_contract)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from functions.gateway.ports import ApiKeyRecord


class FakeApiKeys:
    def __init__(self) -> None:
        self.keys: dict[str, tuple[ApiKeyRecord, float | None]] = {}  # digest -> (record, TTL)
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def _live(self, digest: str) -> ApiKeyRecord | None:
        found = self.keys.get(digest)
        if found is None or (found[1] is not None and found[1] <= time.time()):
            return None
        return found[0]

    def insert(self, record: ApiKeyRecord, *, keep_seconds: int) -> None:
        self.calls.append("insert")
        ttl = None if record.expiry is None else round(max(0.0, record.expiry) + keep_seconds)
        expiry = None if record.expiry is None else float(round(record.expiry))
        self.keys[record.digest] = (replace(record, expiry=expiry), ttl)

    def by_hash(self, digest: str) -> ApiKeyRecord | None:
        self.calls.append("by_hash")
        return self._live(digest)

    def listed(self, tenant_id: str, limit: int) -> list[ApiKeyRecord]:
        self.calls.append("listed")
        live = [r for r in (self._live(d) for d in self.keys) if r is not None and r.tenant_id == tenant_id]
        return sorted(live, key=lambda r: f"{r.created_at}#{r.key_id}", reverse=True)[:limit]

    def digest_of(self, tenant_id: str, key_id: str) -> str | None:
        self.calls.append("digest_of")
        found = (r for r in (self._live(d) for d in self.keys) if r is not None)
        return next((r.digest for r in found if (r.tenant_id, r.key_id) == (tenant_id, key_id)), None)

    def delete(self, tenant_id: str, key_id: str, digest: str) -> None:
        self.calls.append("delete")
        self.keys.pop(digest, None)

    def touch(self, digest: str, now: float, every_seconds: int) -> None:
        self.calls.append("touch")
        with self._lock:
            found = self.keys.get(digest)
            if found is None:
                return  # never recreates a revoked key
            record, ttl = found
            if record.last_used_at is None or record.last_used_at < round(now - every_seconds):
                self.keys[digest] = (replace(record, last_used_at=float(round(now))), ttl)


class FakeCounters:
    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def hit(self, key: str, window: int, expires_at: int) -> int:
        self.calls.append("hit")
        with self._lock:
            name = f"{key}#{window}"
            self.hits[name] = self.hits.get(name, 0) + 1
            return self.hits[name]
