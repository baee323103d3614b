"""Per-tenant daily counters from events, and the tenant's summary of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from functions.monitoring import counting, summary
from functions.monitoring import subscriber as monitoring_subscriber
from tests.kit import call, deliver, error_code, event, user
from tests.unit.functions.monitoring.support import (
    days_ago,
    deleted,
    job,
    login,
    tenant_created,
    uploaded,
    user_created,
)

ADMIN = user("u_admin", tenant="acme")
PLATFORM_ADMIN = user("u_root", tenant="platform")


def summarize(caller: Any = ADMIN, **query: str) -> dict[str, Any]:
    status, body = call(summary, query=query or None, caller=caller)
    assert status == 200, body
    data: dict[str, Any] = body["data"]
    return data


def test_logins_uploads_and_new_users_count_under_their_tenant_today() -> None:
    # GIVEN two logins, two uploads, a deletion and a new user in acme
    events = [login("u_1"), login("u_2"), uploaded(100), uploaded(50), deleted(30), user_created()]
    # WHEN they are delivered
    assert deliver(monitoring_subscriber, events) == []
    # THEN today's counters say so
    today = summarize()["today"]
    assert today["logins"] == 2
    assert (today["uploads"], today["uploadBytes"]) == (2, 150)
    assert (today["deletedFiles"], today["deletedBytes"]) == (1, 30)
    assert today["usersCreated"] == 1
    assert today["netUploadedBytes"] == 120
    assert today["tenantsCreated"] == 0


def test_a_redelivered_event_counts_once_even_past_the_kernels_idempotency() -> None:
    # GIVEN an upload already counted
    upload = uploaded(100)
    assert deliver(monitoring_subscriber, [upload]) == []
    # WHEN it comes again through the queue, and twice more directly (the idempotency record is gone)
    assert deliver(monitoring_subscriber, [upload]) == []
    assert counting.count(upload) is False
    assert counting.count(upload) is False
    # THEN it counted once
    today = summarize()["today"]
    assert (today["uploads"], today["uploadBytes"]) == (1, 100)


def test_a_new_tenant_counts_under_the_platform_and_under_itself_and_jobs_under_the_platform() -> None:
    assert (
        deliver(monitoring_subscriber, [tenant_created("initech"), job("completed"), job("failed", "j_2")])
        == []
    )
    platform = summarize(PLATFORM_ADMIN)["today"]
    assert (platform["tenantsCreated"], platform["jobsCompleted"], platform["jobsFailed"]) == (1, 1, 1)
    initech = summarize(user("u_a", tenant="initech"))["today"]
    assert initech["tenantsCreated"] == 1
    assert initech["jobsCompleted"] == 0
    assert summarize()["today"]["tenantsCreated"] == 0


def test_other_system_events_count_nothing() -> None:
    started = event(
        "system.job_started",
        {"jobId": "j", "jobType": "t", "startedAt": "2024-05-01T00:00:00Z"},
        tenant_id=None,
    )
    assert deliver(monitoring_subscriber, [started]) == []
    assert counting.count(started) is False
    assert summarize(PLATFORM_ADMIN)["total"] == summarize(PLATFORM_ADMIN)["today"]
    assert set(summarize(PLATFORM_ADMIN)["total"].values()) == {0}


def test_the_summary_covers_the_window_day_by_day_with_its_total() -> None:
    # GIVEN logins today, three days ago and ten days ago (outside a week)
    events = [
        login(),
        days_ago(login(), 3),
        days_ago(login(), 3),
        days_ago(login(), 10),
        days_ago(uploaded(7), 3),
    ]
    assert deliver(monitoring_subscriber, events) == []
    # WHEN the tenant asks for the last week (one read of the store: test_store_contract, one Query)
    week = summarize(days="7")
    # THEN it got seven days, oldest first, ending today
    assert week["tenantId"] == "acme"
    today = datetime.now(UTC).date()
    assert [d["date"] for d in week["days"]] == [
        (today - timedelta(days=n)).isoformat() for n in range(6, -1, -1)
    ]
    by_date = {d["date"]: d for d in week["days"]}
    assert by_date[(today - timedelta(days=3)).isoformat()]["logins"] == 2
    assert by_date[(today - timedelta(days=3)).isoformat()]["uploadBytes"] == 7
    assert week["today"]["logins"] == 1
    # AND the total is the window's: the login ten days ago is not in it
    assert (week["total"]["logins"], week["total"]["uploads"]) == (3, 1)
    # AND the default window (30 days) includes it
    assert summarize()["total"]["logins"] == 4
    assert len(summarize()["days"]) == 30


def test_a_tenant_sees_only_its_own_counters() -> None:
    assert deliver(monitoring_subscriber, [login(tenant="acme"), uploaded(10, tenant="acme")]) == []
    globex = summarize(user("u_g", tenant="globex"))
    assert globex["tenantId"] == "globex"
    assert set(globex["total"].values()) == {0}


def test_the_summary_needs_metrics_read_and_a_sane_window() -> None:
    member = user("u_m", tenant="acme", permissions=("file.read",), roles=("member",))
    status, body = call(summary, caller=member)
    assert status == 403
    assert error_code(body) == "PERMISSION_DENIED"
    reader = user("u_r", tenant="acme", permissions=("metrics.read",), roles=("auditor",))
    assert call(summary, caller=reader)[0] == 200
    for days in ("0", "91", "week"):
        status, body = call(summary, query={"days": days}, caller=ADMIN)
        assert status == 400, days
        assert body["error"]["field"] == "days"
