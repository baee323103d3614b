"""The app end to end in-process: its route behind the gate, its subscriber (only tenants that
enabled it, each event counted once) and its daily job (tenants that left are forgotten)."""

from __future__ import annotations

import pytest

from apps.hello import greeting, store, subscriber, tidy_job
from apps.hello.access import ACCESS
from shared import aws
from shared.config import settings
from shared.events.model import ServiceEvent
from tests.kit import call, deliver, error_code, event, user
from tests.unit.apps.gate import Platform

ACME = user("u_ann", tenant="acme", permissions=("user.read",), roles=("member",))
GLOBEX = user("u_gus", tenant="globex", permissions=("user.read",), roles=("member",))


def joined(tenant: str, user_id: str) -> ServiceEvent:
    data = {"userId": user_id, "tenantId": tenant, "email": f"{user_id}@example.com", "roles": ["member"]}
    return event("user.created", data, tenant_id=tenant)


def test_a_member_of_a_tenant_that_enabled_hello_is_greeted() -> None:
    status, body = call(greeting, caller=ACME)
    assert status == 200
    assert body["data"] == {
        "message": "Welcome, u_ann!",
        "tenantId": "acme",
        "welcomed": 0,
        "lastWelcomed": None,
    }


def test_a_tenant_that_did_not_enable_hello_is_403() -> None:
    status, body = call(greeting, caller=GLOBEX)
    assert (status, error_code(body)) == (403, "FORBIDDEN")


def test_the_gate_asks_the_registry_once_per_tenant_within_its_ttl(platform: Platform) -> None:
    for _ in range(3):
        call(greeting, caller=ACME)
    assert platform.asked_registry() == ["/internal/registry/apps/hello/tenants/acme"]


def test_new_members_are_counted_once_and_only_in_tenants_that_enabled_hello() -> None:
    # GIVEN acme enabled hello, globex did not
    first, again, other = joined("acme", "u_1"), joined("acme", "u_2"), joined("globex", "u_3")
    # WHEN the events arrive, one of them twice (a redelivery)
    assert deliver(subscriber, [first, again, other]) == []
    assert deliver(subscriber, [first]) == []
    # THEN acme counts two members; globex's event was not the app's business
    status, body = call(greeting, caller=ACME)
    assert (status, body["data"]["welcomed"], body["data"]["lastWelcomed"]) == (200, 2, "u_2")
    assert store.welcomed("globex").count == 0


def test_one_tenants_count_is_never_anothers(platform: Platform) -> None:
    platform.enabled.add("globex")
    deliver(subscriber, [joined("acme", "u_1"), joined("acme", "u_2"), joined("globex", "u_3")])
    assert call(greeting, caller=GLOBEX)[1]["data"]["welcomed"] == 1
    assert call(greeting, caller=ACME)[1]["data"]["welcomed"] == 2


def test_the_daily_job_forgets_tenants_that_disabled_hello(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN acme and globex both counted members, then globex disabled the app
    platform.enabled.add("globex")
    deliver(subscriber, [joined("acme", "u_1"), joined("globex", "u_2")])
    platform.enabled.discard("globex")
    # WHEN the job runs (the gate's cache is not trusted for a daily sweep)
    report = tidy_job.job.run()
    # THEN globex's count is gone, acme's kept, and the run says so
    assert (report.status, report.processed_items) == ("completed", 1)
    assert store.welcomed("globex").count == 0
    assert store.welcomed("acme").count == 1
    assert ACCESS.enabled("acme")


def test_a_deleted_tenants_items_leave_the_apps_table_and_no_one_elses(platform: Platform) -> None:
    # GIVEN counts (and their per-event markers) of acme and globex
    platform.enabled.add("globex")
    deliver(subscriber, [joined("acme", "u_1"), joined("acme", "u_2"), joined("globex", "u_3")])
    # WHEN the platform reports acme deleted
    gone = event(
        "tenant.deleted", {"tenantId": "acme", "deletedAt": "2026-01-01T00:00:00Z"}, source="tenants"
    )
    assert deliver(subscriber, [gone]) == []
    # THEN nothing of acme is left in the table; globex's count stays
    left = aws.client("dynamodb").scan(TableName=settings().table_name(store.TABLE))["Items"]
    assert [i for i in left if i["pk"]["S"].startswith("TENANT#acme#")] == []
    assert store.welcomed("globex").count == 1
