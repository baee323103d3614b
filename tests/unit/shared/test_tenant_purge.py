"""Offboarding's purge (shared.tenant_purge) under moto: exactly the tenant's keys go, in budgeted batches
that resume from their cursor; and every service that owns tenant data takes part in a deletion."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from functions.catalog import registry
from functions.tenants.deletion import PURGING_SERVICES
from shared import aws, tenant_purge
from shared.config import settings
from shared.declarations import OUTBOX_TABLE, Subscription, Table
from shared.events import publisher
from shared.events.model import ServiceEvent
from stratus.provision import create_bus, create_table


@pytest.fixture(autouse=True)
def tables() -> Iterator[None]:
    with mock_aws():
        create_table(Table("things"))
        create_table(OUTBOX_TABLE)
        create_bus()
        yield


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    events: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *sent: events.extend(sent))
    return events


def _put(pk: str, sk: str) -> None:
    aws.client("dynamodb").put_item(
        TableName=settings().table_name("things"), Item={"pk": {"S": pk}, "sk": {"S": sk}}
    )


def _keys() -> set[str]:
    items = aws.client("dynamodb").scan(TableName=settings().table_name("things"))["Items"]
    return {i["pk"]["S"] for i in items}


def _seed() -> None:
    _put("TENANT#acme", "TENANT")
    for n in range(450):
        _put(f"TENANT#acme#THING#{n}", "THING")
    _put("TENANT#acme2#THING#1", "THING")  # a tenant whose id starts like acme's
    _put("CONFIG#PLATFORM#x", "HEAD")


def test_only_the_tenants_keys_go_and_a_spent_budget_resumes_from_its_cursor() -> None:
    _seed()
    clock = iter(range(0, 1000, 10))  # every reading of the clock is 10 s later: one page per batch
    first = tenant_purge.purge_table("things", "acme", budget_seconds=5, clock=lambda: float(next(clock)))
    assert not first.complete
    assert first.removed > 0
    rest = tenant_purge.purge_table("things", "acme", cursor=first.cursor)
    assert rest.complete
    assert first.removed + rest.removed == 451
    assert _keys() == {"TENANT#acme2#THING#1", "CONFIG#PLATFORM#x"}
    # run again (a redelivered round): nothing left, nothing else touched
    assert tenant_purge.purge_table("things", "acme").removed == 0


def test_a_round_reports_progress_in_the_platforms_name_and_ignores_rounds_for_others(
    published: list[ServiceEvent],
) -> None:
    _seed()
    event = publisher.build("tenant.deleting", {"tenantId": "acme", "round": 1}, source="tenants")
    result = tenant_purge.on_deleting(event, service="things-svc", table="things")
    assert result is not None
    assert result.complete
    (progress,) = published
    assert progress.type == "tenant.purge_progress"
    assert progress.tenant_id == settings().platform_tenant
    assert progress.data | {"cursor": None} == {
        "tenantId": "acme",
        "service": "things-svc",
        "round": 1,
        "complete": True,
        "removedItems": 451,
        "cursor": None,
    }
    other = publisher.build(
        "tenant.deleting", {"tenantId": "acme", "round": 1, "services": ["users"]}, source="tenants"
    )
    assert tenant_purge.on_deleting(other, service="things-svc", table="things") is None


def test_every_service_that_owns_a_table_purges_its_part_of_a_deleted_tenant() -> None:
    """A service with a table holds tenant data: it must subscribe to tenant.deleting and be one the
    tenants service waits for (tenants itself removes its own item last)."""
    subscribers: dict[str, Any] = {}
    for fn in registry().subscribers:
        assert isinstance(fn.trigger, Subscription)
        if fn.trigger.matches("tenant.deleting"):
            subscribers[fn.service] = fn
    # (in-repo apps purge on tenant.deleted instead: tests/unit/functions/test_catalog.py)
    owners = {s.name for s in registry().services if s.tables and s.package == "functions"} - {"tenants"}
    assert set(PURGING_SERVICES) <= set(subscribers)
    assert owners <= set(PURGING_SERVICES), sorted(owners - set(PURGING_SERVICES))
    assert all(subscribers[name].publishes for name in PURGING_SERVICES)
