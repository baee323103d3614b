"""What every in-repo app's unit tests stand on (docs/apps.md, "Tests"): the platform services an app's
gate asks, answered by a fake transport; in-process moto with the app's tables and the kernel's; and a
captured event bus. Each app's conftest.py wraps these in its autouse fixtures with its own gate and
tables."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from moto import mock_aws

from shared import public_tenant
from shared.app_access import AppAccess
from shared.declarations import IDEMPOTENCY_TABLE, OUTBOX_TABLE, Service
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import OutgoingRequest, reset_breakers, set_default_transport
from stratus.provision import create_table
from tests.kit import FakeServices, refuse


@dataclass
class Platform:
    """Which tenants enabled the app (registry's app-access) and which exist (tenants' validate); a test
    changes the sets, or adds answers for other services on `fake`."""

    enabled: set[str]
    tenants: set[str]
    fake: FakeServices = field(default_factory=FakeServices)

    def app_access(self, request: OutgoingRequest, _: Any) -> Any:
        name, tenant = request.path.split("/")[4], request.path.split("/")[6]
        return {"name": name, "tenantId": tenant, "enabled": tenant in self.enabled}

    def validate(self, request: OutgoingRequest, _: Any) -> Any:
        tenant = request.path.split("/")[3]
        if tenant not in self.tenants:
            return 404, refuse("TENANT_NOT_FOUND")
        return {"tenantId": tenant, "status": "active", "plan": "free"}

    def asked_registry(self) -> list[str]:
        return [r.path for r in self.fake.requests if r.service == "registry"]


@contextmanager
def serving_gate(access: AppAccess, *, enabled: Iterable[str], tenants: Iterable[str]) -> Iterator[Platform]:
    """The fake platform as the process's transport, and the gate's caches forgotten before and after."""
    found = Platform(enabled=set(enabled), tenants=set(tenants))
    found.fake.on("registry", "GET", r"/internal/registry/apps/[^/]+/tenants/[^/]+", found.app_access)
    found.fake.on("tenants", "GET", r"/internal/tenants/[^/]+/validate", found.validate)
    found.fake.on("monitoring", "POST", r"/internal/.*", lambda r, b: {"recorded": True})  # job records
    set_default_transport(found.fake)
    reset_breakers()
    access.forget()
    public_tenant.forget()
    try:
        yield found
    finally:
        set_default_transport(None)
        access.forget()


@contextmanager
def app_tables(service: Service) -> Iterator[None]:
    """In-process moto with the app's tables, the outbox and the idempotency table."""
    with mock_aws():
        for table in (*service.tables, OUTBOX_TABLE, IDEMPOTENCY_TABLE):
            create_table(table)
        yield


def captured_bus(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    """The events the code under test publishes, instead of the bus."""
    events: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *sent: events.extend(sent))
    return events
