"""The hello app under in-process moto (its table, the kernel's), with the platform services it calls
answered by a fake transport: the registry's app-access route (which tenants enabled hello), tenants'
validate and monitoring's job record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from moto import mock_aws

from apps.hello.access import ACCESS
from apps.hello.manifest import SERVICE
from shared import public_tenant
from shared.declarations import IDEMPOTENCY_TABLE, OUTBOX_TABLE
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import OutgoingRequest, reset_breakers, set_default_transport
from stratus.provision import create_table
from tests.kit import FakeServices, refuse


@dataclass
class Platform:
    enabled: set[str] = field(default_factory=lambda: {"acme"})
    tenants: set[str] = field(default_factory=lambda: {"acme", "globex"})
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


@pytest.fixture(autouse=True)
def platform() -> Iterator[Platform]:
    found = Platform()
    found.fake.on("registry", "GET", r"/internal/registry/apps/[^/]+/tenants/[^/]+", found.app_access)
    found.fake.on("tenants", "GET", r"/internal/tenants/[^/]+/validate", found.validate)
    found.fake.on("monitoring", "POST", r"/internal/.*", lambda r, b: {"recorded": True})
    set_default_transport(found.fake)
    reset_breakers()
    ACCESS.forget()
    public_tenant.forget()
    yield found
    set_default_transport(None)
    ACCESS.forget()


@pytest.fixture(autouse=True)
def aws_resources() -> Iterator[None]:
    with mock_aws():
        for table in (*SERVICE.tables, OUTBOX_TABLE, IDEMPOTENCY_TABLE):
            create_table(table)
        yield


@pytest.fixture(autouse=True)
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    events: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *sent: events.extend(sent))
    return events
