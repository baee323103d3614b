"""The config service under in-process moto: its table, the outbox, the idempotency table (subscriber), a
captured bus; every test starts with an empty flag cache."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from functions.config import subscriber
from functions.config.manifest import SERVICE
from shared import flags
from shared.declarations import IDEMPOTENCY_TABLE, OUTBOX_TABLE
from shared.events import publisher
from shared.events.model import ServiceEvent
from stratus.provision import create_table
from tests.kit import deliver, event, user

ROOT = user("u_root", tenant="platform")  # a platform admin (tenant `platform`, `*`)
ACME_ADMIN = user("u_acme_admin", tenant="acme")
GLOBEX_ADMIN = user("u_globex_admin", tenant="globex")
MEMBER = user(
    "u_member",
    tenant="acme",
    permissions=("file.read", "file.upload", "notification.read", "user.read"),
    roles=("member",),
)
READER = user("u_reader", tenant="acme", permissions=("config.read",), roles=("auditor",))


@pytest.fixture(autouse=True)
def aws_resources() -> Iterator[None]:
    with mock_aws():
        for table in (*SERVICE.tables, OUTBOX_TABLE, IDEMPOTENCY_TABLE):
            create_table(table)
        subscriber.subscriber.__dict__.pop("_once", None)
        flags.invalidate()
        yield
        flags.invalidate()


@pytest.fixture(autouse=True)
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    events: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *sent: events.extend(sent))
    return events


def given_plan(tenant: str, plan: str, *, timestamp: str | None = None) -> None:
    """The tenant's plan, as tenants' `tenant.created` tells the config service."""
    data: dict[str, Any] = {
        "tenantId": tenant,
        "name": tenant.title(),
        "plan": plan,
        "adminUserId": f"u_{tenant}_admin",
        "adminEmail": f"admin@{tenant}.example",
        "quotas": {"storageBytes": 1, "maxUsers": 1, "maxFileBytes": 1, "apiCallsPerDay": 1},
    }
    created = event("tenant.created", data, source="tenants", tenant_id=tenant)
    if timestamp is not None:
        created = created.model_copy(update={"timestamp": timestamp})
    assert deliver(subscriber, [created]) == []
