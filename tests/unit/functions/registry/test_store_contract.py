"""The store contract (`ports.RegistryStore`) on both adapters: the DynamoDB store over moto and the
in-memory fake the domain tests use. The conditions the domain relies on hold on both."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest

from functions.registry import store as dynamodb_store
from functions.registry.ports import (
    AppRecord,
    AttemptRecord,
    ConditionFailed,
    EnablementRecord,
    RegistryStore,
)
from shared import aws, outbox
from shared.config import settings
from shared.events import publisher
from tests.fakes.outbox import InMemoryOutbox
from tests.unit.functions.registry.fakes import FakeRegistryStore


@dataclass
class Adapter:
    store: RegistryStore
    pending: Callable[[], int]


@pytest.fixture(params=["fake", "dynamodb"])
def adapter(request: pytest.FixtureRequest, fake_outbox: InMemoryOutbox) -> Adapter:
    if request.param == "fake":
        return Adapter(FakeRegistryStore(fake_outbox), lambda: len(fake_outbox.pending))
    request.getfixturevalue("dynamodb")
    return Adapter(dynamodb_store, outbox.pending_count)


def an_app(name: str = "crm", service_id: str = "svc_1", **changes: object) -> AppRecord:
    record = AppRecord(
        service_id=service_id,
        name=name,
        display_name="CRM",
        version="1.0.0",
        base_url="https://crm.example.com/api",
        endpoints=[{"method": "GET", "path": "/contacts", "public": False}],
        events=["user.*"],
        webhook_url="https://crm.example.com/hooks",
        redirect_uris=["https://crm.example.com/callback"],
        client_id=f"cli_{service_id}",
        token_hash="th",
        client_secret_hash="csh",
        webhook_salt="salt",
        status="registered",
        created_at="2026-01-01T00:00:00.000Z",
        created_epoch=1767225600.0,
    )
    return replace(record, **changes)  # type: ignore[arg-type]


def test_an_app_is_found_by_id_name_and_client_id(adapter: Adapter) -> None:
    app = an_app(webhook_url=None)
    adapter.store.create(app)
    assert adapter.store.get("svc_1") == app
    assert adapter.store.by_name("crm") == app
    assert adapter.store.by_client_id("cli_svc_1") == app
    assert adapter.store.get("svc_2") is None
    assert adapter.store.by_name("erp") is None
    assert adapter.store.by_client_id("cli_nobody") is None


def test_a_name_is_held_once_until_its_app_is_deregistered(adapter: Adapter) -> None:
    first = an_app()
    adapter.store.create(first)
    with pytest.raises(ConditionFailed):
        adapter.store.create(an_app(service_id="svc_2"))
    assert adapter.store.get("svc_2") is None  # nothing of the refused app was written
    adapter.store.deregister(first, "2026-01-02T00:00:00.000Z")
    adapter.store.deregister(first, "2026-01-02T00:00:00.000Z")  # idempotent
    assert adapter.store.by_name("crm") == replace(first, status="deregistered")
    second = an_app(service_id="svc_2")
    adapter.store.create(second)
    assert adapter.store.by_name("crm") == second
    # AND deregistering the first app again leaves the name with the second
    adapter.store.deregister(first, "2026-01-03T00:00:00.000Z")
    assert adapter.store.by_name("crm") == second
    assert [a.service_id for a in adapter.store.every()] == ["svc_1", "svc_2"]


def test_a_heartbeat_needs_a_registered_app(adapter: Adapter) -> None:
    app = an_app()
    adapter.store.create(app)
    after = adapter.store.heartbeat("svc_1", 1767225700.25, "1.1.0")
    assert (after.last_heartbeat, after.version) == (1767225700.25, "1.1.0")
    assert adapter.store.heartbeat("svc_1", 1767225800.0, None).version == "1.1.0"
    assert adapter.store.get("svc_1") == replace(app, last_heartbeat=1767225800.0, version="1.1.0")
    with pytest.raises(ConditionFailed):
        adapter.store.heartbeat("svc_unknown", 1767225800.0, None)
    adapter.store.deregister(app, "2026-01-02T00:00:00.000Z")
    with pytest.raises(ConditionFailed):
        adapter.store.heartbeat("svc_1", 1767225900.0, None)


def test_an_enablement_is_the_tenants_own_and_its_event_is_staged_with_it(adapter: Adapter) -> None:
    choice = EnablementRecord("svc_1", "crm", True, {"region": "eu"}, "2026-01-01T00:00:00.000Z")
    enabled = publisher.build(
        "tenant.service_enabled",
        {"tenantId": "acme", "serviceId": "svc_1", "name": "crm"},
        source="registry",
        tenant_id="acme",
    )
    adapter.store.put_enablement("acme", choice, "u_1", [enabled])
    assert adapter.pending() == 1
    assert adapter.store.enablement("acme", "svc_1") == choice
    assert adapter.store.enablement("globex", "svc_1") is None
    off = EnablementRecord("svc_2", "erp", False, None, "2026-01-01T00:00:00.000Z")
    adapter.store.put_enablement("acme", off, None, [])
    assert adapter.store.enablements("acme") == [choice, off]
    assert adapter.store.enablements("globex") == []


def test_attempts_are_counted_kept_newest_first_and_delivery_is_remembered(adapter: Adapter) -> None:
    assert adapter.store.next_attempt("svc_1", "evt_1") == 1
    assert adapter.store.next_attempt("svc_1", "evt_1") == 2
    assert adapter.store.next_attempt("svc_2", "evt_1") == 1
    failed = AttemptRecord(
        "svc_1",
        "evt_1",
        "user.created",
        "acme",
        1,
        "failed",
        500,
        "x" * 600,
        12.5,
        "2026-01-01T00:00:01.000Z",
    )
    ok = AttemptRecord(
        "svc_1", "evt_1", "user.created", "acme", 2, "delivered", 204, None, 3.0, "2026-01-01T00:00:31.000Z"
    )
    adapter.store.record_attempt(failed)
    assert not adapter.store.delivered("svc_1", "evt_1")
    adapter.store.record_attempt(ok)
    assert adapter.store.delivered("svc_1", "evt_1")
    assert not adapter.store.delivered("svc_2", "evt_1")
    assert adapter.store.attempts("svc_1", 10) == [ok, replace(failed, error="x" * 500)]
    assert adapter.store.attempts("svc_1", 1) == [ok]
    assert adapter.store.attempts("svc_2", 10) == []


def test_on_dynamodb_the_app_item_keeps_no_secret_and_its_lists_as_json(dynamodb: None) -> None:
    """The layout other tools read (and older items have): JSON strings, hashes only."""
    dynamodb_store.create(an_app())
    item = aws.client("dynamodb").get_item(
        TableName=settings().table_name("registry"),
        Key={"pk": {"S": "SERVICE#svc_1"}, "sk": {"S": "SERVICE"}},
    )["Item"]
    assert json.loads(item["events"]["S"]) == ["user.*"]
    assert item["tokenHash"] == {"S": "th"}
    assert item["gsi1pk"] == {"S": "SERVICES"}
