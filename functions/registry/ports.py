"""What the registry's domain (apps, tenancy, forwarding, delivery, the OAuth client lookup) needs from
outside: its store and the outbox's release. The DynamoDB adapter is `functions.registry.store`; unit tests
put the in-memory fake of `tests/unit/functions/registry/fakes.py` in its place (shared.ports)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from shared.config import settings
from shared.events.model import ServiceEvent
from shared.ports import EventOutbox, Port, kernel_outbox


class ConditionFailed(Exception):
    """The write's condition did not hold (a taken name, a deregistered app)."""


@dataclass(frozen=True)
class AppRecord:
    service_id: str
    name: str
    display_name: str
    version: str
    base_url: str
    endpoints: list[dict[str, Any]]
    events: list[str]
    webhook_url: str | None
    redirect_uris: list[str]
    client_id: str
    token_hash: str
    client_secret_hash: str
    webhook_salt: str
    status: str  # registered | deregistered
    created_at: str
    created_epoch: float
    last_heartbeat: float | None = None

    def active(self, now: float | None = None) -> bool:
        """Registered, and heard from (a heartbeat, or the registration itself) within the TTL."""
        if self.status != "registered":
            return False
        seen = max(self.created_epoch, self.last_heartbeat or 0.0)
        return (now or time.time()) - seen <= settings().app_heartbeat_ttl_seconds


@dataclass(frozen=True)
class EnablementRecord:
    service_id: str
    name: str
    enabled: bool
    config: dict[str, Any] | None
    updated_at: str


@dataclass(frozen=True)
class AttemptRecord:
    service_id: str
    event_id: str
    event_type: str
    tenant_id: str | None
    attempt: int
    status: str
    http_status: int | None
    error: str | None
    duration_ms: float
    attempted_at: str
    extra: dict[str, Any] = field(default_factory=dict)


class RegistryStore(Protocol):
    """Every write whose outcome depends on what is stored is decided by the store (a condition), never by
    a read before it; each method says what it does when the condition fails."""

    # --- apps ------------------------------------------------------------------------------------------
    def create(self, record: AppRecord) -> None:
        """The app, its name claim and its client id together; ConditionFailed when the name is held by an
        app still registered."""
        ...

    def get(self, service_id: str) -> AppRecord | None: ...

    def by_name(self, name: str) -> AppRecord | None:
        """The app that holds `name` (a deregistered one too, until another app takes the name)."""
        ...

    def by_client_id(self, client_id: str) -> AppRecord | None: ...

    def every(self) -> list[AppRecord]:
        """Every app ever registered, by name."""
        ...

    def heartbeat(self, service_id: str, now: float, version: str | None) -> AppRecord:
        """ConditionFailed unless the app is registered."""
        ...

    def deregister(self, record: AppRecord, now_iso: str) -> None:
        """Deregistered, and its name released unless a newer app holds it (idempotent)."""
        ...

    # --- per tenant ------------------------------------------------------------------------------------
    def enablement(self, tenant_id: str, service_id: str) -> EnablementRecord | None: ...

    def enablements(self, tenant_id: str) -> list[EnablementRecord]: ...

    def put_enablement(
        self, tenant_id: str, record: EnablementRecord, updated_by: str | None, events: Sequence[ServiceEvent]
    ) -> None:
        """The choice and its events' outbox entries, together."""
        ...

    # --- webhook deliveries ----------------------------------------------------------------------------
    def delivered(self, service_id: str, event_id: str) -> bool: ...

    def next_attempt(self, service_id: str, event_id: str) -> int:
        """Count one more attempt at delivering the event to the app; its number (1 for the first)."""
        ...

    def record_attempt(self, attempt: AttemptRecord) -> None:
        """Keep the attempt (and, when it delivered, mark the event delivered to the app)."""
        ...

    def attempts(self, service_id: str, limit: int) -> list[AttemptRecord]:
        """The app's most recent attempts, newest first."""
        ...


def _dynamodb() -> RegistryStore:
    # Imported on first use (pynamodb loads only where the store is used); mypy checks the module fits.
    from functions.registry import store as dynamodb

    return dynamodb


store: Port[RegistryStore] = Port(_dynamodb)
outbox: Port[EventOutbox] = Port(kernel_outbox)
