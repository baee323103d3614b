"""The store contract (`ports.MonitoringStore`) on both adapters: the DynamoDB store over moto and the
in-memory fake the domain tests use. An event counts once, a job id is stored once, pages hold."""

from __future__ import annotations

import pytest

from functions.monitoring import store as dynamodb_store
from functions.monitoring.models import COUNTERS
from functions.monitoring.ports import ExecutionRecord, MonitoringStore
from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from tests.kit import dynamodb_calls
from tests.unit.functions.monitoring.fakes import FakeMonitoringStore


@pytest.fixture(params=["fake", "dynamodb"])
def store(request: pytest.FixtureRequest) -> MonitoringStore:
    if request.param == "fake":
        return FakeMonitoringStore()
    request.getfixturevalue("dynamodb")
    return dynamodb_store


def execution(job_id: str, started_at: str, **changes: object) -> ExecutionRecord:
    fields: dict[str, object] = {
        "job_id": job_id,
        "job_type": "cleanup",
        "status": "completed",
        "duration": 1200,
        "processed_items": 42,
        "started_at": started_at,
        "finished_at": "2024-05-01T23:00:00.000Z",
        "errors": ["disk full"],
    }
    return ExecutionRecord(**(fields | changes))  # type: ignore[arg-type]


def test_an_event_counts_once_under_every_tenant_it_names(store: MonitoringStore) -> None:
    increments = {"platform": {"tenantsCreated": 1}, "initech": {"tenantsCreated": 1}}
    assert store.count_once("evt_1", "2024-05-01", increments) is True
    assert store.count_once("evt_1", "2024-05-01", increments) is False
    assert store.count_once("evt_2", "2024-05-01", {"acme": {"uploads": 1, "uploadBytes": 100}}) is True
    assert store.count_once("evt_3", "2024-05-01", {"acme": {"uploads": 1, "uploadBytes": 50}}) is True
    assert store.count_once("evt_4", "2024-05-03", {"acme": {"logins": 1}}) is True
    assert store.every_tenant("2024-05-01") == {
        "acme": {"uploads": 2, "uploadBytes": 150},
        "initech": {"tenantsCreated": 1},
        "platform": {"tenantsCreated": 1},
    }
    assert store.every_tenant("2024-05-02") == {}
    assert store.days("acme", "2024-05-01", "2024-05-03") == {
        "2024-05-01": {"uploads": 2, "uploadBytes": 150},
        "2024-05-03": {"logins": 1},
    }
    assert store.days("acme", "2024-05-02", "2024-05-02") == {}
    assert store.days("globex", "2024-05-01", "2024-05-03") == {}


def test_every_counter_the_summary_knows_can_be_counted(store: MonitoringStore) -> None:
    assert store.count_once("evt_1", "2024-05-01", {"acme": dict.fromkeys(COUNTERS, 1)})
    assert store.days("acme", "2024-05-01", "2024-05-01") == {"2024-05-01": dict.fromkeys(COUNTERS, 1)}


def test_a_job_id_is_stored_once_and_a_second_report_answers_the_first(store: MonitoringStore) -> None:
    first = execution("j_1", "2024-05-01T10:00:00.000Z")
    assert store.insert_execution(first) == first
    again = execution("j_1", "2024-05-01T11:00:00.000Z", status="failed", errors=[])
    assert store.insert_execution(again) == first
    assert store.executions_total() == 1
    assert store.executions_page(page_size=10, cursor=None) == ([first], None)


def test_executions_page_newest_first_and_a_full_last_page_has_no_cursor(store: MonitoringStore) -> None:
    for hour in range(5):
        store.insert_execution(execution(f"j_{hour}", f"2024-05-01T1{hour}:00:00.000Z", errors=[]))
    seen: list[str] = []
    cursor: str | None = None
    while True:
        found, cursor = store.executions_page(page_size=2, cursor=cursor)
        seen += [e.job_id for e in found]
        if cursor is None:
            break
    assert seen == ["j_4", "j_3", "j_2", "j_1", "j_0"]
    assert store.executions_total() == 5
    assert len(store.executions_page(page_size=5, cursor=None)[0]) == 5
    assert store.executions_page(page_size=5, cursor=None)[1] is None
    with pytest.raises(InvalidRequest):
        store.executions_page(page_size=2, cursor=Cursor.encode({"pk": {"S": "TENANT#acme"}}, page=2))


def test_on_dynamodb_a_days_window_is_one_query(dynamodb: None) -> None:
    dynamodb_store.count_once("evt_1", "2024-05-01", {"acme": {"logins": 1}})
    with dynamodb_calls() as calls:
        dynamodb_store.days("acme", "2024-04-25", "2024-05-01")
    assert calls == ["Query"]
