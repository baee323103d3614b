"""The registry's store in memory (`ports.RegistryStore`): the conditions the DynamoDB store has DynamoDB
evaluate (a name held once, a heartbeat only while registered) are evaluated here on the same terms, one
call at a time (a lock stands in for DynamoDB's per-request atomicity)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace

from functions.registry.ports import AppRecord, AttemptRecord, ConditionFailed, EnablementRecord
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox


class FakeRegistryStore:
    def __init__(self, outbox: InMemoryOutbox) -> None:
        self.outbox = outbox
        self.apps: dict[str, AppRecord] = {}
        self.names: dict[str, tuple[str, bool]] = {}  # name -> (service id, released)
        self.clients: dict[str, str] = {}
        self.enabled: dict[tuple[str, str], EnablementRecord] = {}
        self.states: dict[tuple[str, str], tuple[int, bool]] = {}  # (app, event) -> (attempts, delivered)
        self.tried: dict[str, list[AttemptRecord]] = {}
        self._lock = threading.Lock()

    # --- apps ----------------------------------------------------------------------------------------
    def create(self, record: AppRecord) -> None:
        with self._lock:
            held = self.names.get(record.name)
            taken = held is not None and not held[1]
            if taken or record.service_id in self.apps or record.client_id in self.clients:
                raise ConditionFailed(record.name)
            self.names[record.name] = (record.service_id, False)
            self.apps[record.service_id] = record
            self.clients[record.client_id] = record.service_id

    def get(self, service_id: str) -> AppRecord | None:
        return self.apps.get(service_id)

    def by_name(self, name: str) -> AppRecord | None:
        held = self.names.get(name)
        return self.apps.get(held[0]) if held else None

    def by_client_id(self, client_id: str) -> AppRecord | None:
        service_id = self.clients.get(client_id)
        return self.apps.get(service_id) if service_id else None

    def every(self) -> list[AppRecord]:
        return sorted(self.apps.values(), key=lambda r: (r.name, r.service_id))

    def heartbeat(self, service_id: str, now: float, version: str | None) -> AppRecord:
        with self._lock:
            app = self.apps.get(service_id)
            if app is None or app.status != "registered":
                raise ConditionFailed(service_id)
            after = replace(app, last_heartbeat=round(now, 3), version=version or app.version)
            self.apps[service_id] = after
            return after

    def deregister(self, record: AppRecord, now_iso: str) -> None:
        with self._lock:
            app = self.apps.get(record.service_id)
            if app is None:
                raise ConditionFailed(record.service_id)
            self.apps[record.service_id] = replace(app, status="deregistered")
            held = self.names.get(record.name)
            if held is not None and held[0] == record.service_id:
                self.names[record.name] = (record.service_id, True)

    # --- per tenant ----------------------------------------------------------------------------------
    def enablement(self, tenant_id: str, service_id: str) -> EnablementRecord | None:
        return self.enabled.get((tenant_id, service_id))

    def enablements(self, tenant_id: str) -> list[EnablementRecord]:
        return [e for (t, _), e in sorted(self.enabled.items()) if t == tenant_id]

    def put_enablement(
        self, tenant_id: str, record: EnablementRecord, updated_by: str | None, events: Sequence[ServiceEvent]
    ) -> None:
        with self._lock:
            self.enabled[tenant_id, record.service_id] = record
            self.outbox.stage(*events)

    # --- webhook deliveries --------------------------------------------------------------------------
    def delivered(self, service_id: str, event_id: str) -> bool:
        return self.states.get((service_id, event_id), (0, False))[1]

    def next_attempt(self, service_id: str, event_id: str) -> int:
        with self._lock:
            attempts, delivered = self.states.get((service_id, event_id), (0, False))
            self.states[service_id, event_id] = (attempts + 1, delivered)
            return attempts + 1

    def record_attempt(self, attempt: AttemptRecord) -> None:
        with self._lock:
            self.tried.setdefault(attempt.service_id, []).append(
                replace(attempt, error=attempt.error[:500] if attempt.error else None, extra={})
            )
            if attempt.status == "delivered":
                attempts, _ = self.states.get((attempt.service_id, attempt.event_id), (0, False))
                self.states[attempt.service_id, attempt.event_id] = (attempts, True)

    def attempts(self, service_id: str, limit: int) -> list[AttemptRecord]:
        def newest(a: AttemptRecord) -> str:
            return f"{a.attempted_at}#{a.event_id}#{a.attempt}"

        return sorted(self.tried.get(service_id, []), key=newest, reverse=True)[:limit]
