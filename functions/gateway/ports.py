"""What the gateway's domain (API keys, rate limits) needs from its two tables: the API keys
(`ApiKeysStore`, table `apikeys`) and the fixed-window counters (`RateCounters`, table `ratelimits`). The
DynamoDB adapters are `functions.gateway.api_key_store` and `functions.gateway.rate_limit_store`; unit
tests put the in-memory fakes of `tests/unit/functions/gateway/fakes.py` in their place (shared.ports).

The authorizer reads through these ports too, with the same calls as before: one consistent GetItem per
key request (`by_hash`), at most one conditional UpdateItem a minute per key (`touch`), one UpdateItem per
bucket counted (`hit`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shared.ports import Port


@dataclass(frozen=True)
class ApiKeyRecord:
    """A stored key: never the key itself, only its peppered digest."""

    digest: str
    key_id: str
    tenant_id: str
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: str
    created_by: str | None = None
    expires_at_iso: str | None = None  # as the creator gave it
    expiry: float | None = None  # the same instant, epoch seconds
    last_used_at: float | None = None

    def expired(self, now: float) -> bool:
        return self.expiry is not None and self.expiry <= now


class ApiKeysStore(Protocol):
    """Keys by digest (the authorizer's read) and by tenant (listing, revocation). A key kept past its
    expiry (`keep_seconds`) is gone for every read, as DynamoDB's TTL will make it."""

    def insert(self, record: ApiKeyRecord, *, keep_seconds: int) -> None: ...

    def by_hash(self, digest: str) -> ApiKeyRecord | None: ...

    def listed(self, tenant_id: str, limit: int) -> list[ApiKeyRecord]:
        """The tenant's keys, newest first."""
        ...

    def digest_of(self, tenant_id: str, key_id: str) -> str | None:
        """The digest of the tenant's key `key_id` (None for another tenant's or an unknown id)."""
        ...

    def delete(self, tenant_id: str, key_id: str, digest: str) -> None: ...

    def touch(self, digest: str, now: float, every_seconds: int) -> None:
        """lastUsedAt = now, only if the key still exists and was not touched in the last `every_seconds`
        (never recreates a revoked key); a failure is logged, not raised."""
        ...


class RateCounters(Protocol):
    def hit(self, key: str, window: int, expires_at: int) -> int:
        """Count one more request in `key`'s window starting at `window`; → the window's count."""
        ...


def _api_keys() -> ApiKeysStore:
    # Imported on first use (pynamodb loads only where the store is used); mypy checks the module fits.
    from functions.gateway import api_key_store as dynamodb

    return dynamodb


def _counters() -> RateCounters:
    from functions.gateway import rate_limit_store as dynamodb

    return dynamodb


api_keys: Port[ApiKeysStore] = Port(_api_keys)
counters: Port[RateCounters] = Port(_counters)
