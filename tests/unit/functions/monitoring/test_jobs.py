"""Job executions: reported once per jobId by the jobs (service token), listed for platform admins."""

from __future__ import annotations

from typing import Any

from functions.monitoring import execution_result, jobs
from tests.kit import call, error_code, user

PLATFORM_ADMIN = user("u_root", tenant="platform")


def report(job_id: str = "j_1", **changes: Any) -> dict[str, Any]:
    return {
        "jobId": job_id,
        "jobType": "cleanup",
        "status": "completed",
        "duration": 1200,
        "processedItems": 42,
        "errors": [],
        **changes,
    }


def send(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return call(execution_result, body=body, service="files")


def listing(caller: Any = PLATFORM_ADMIN, **query: str) -> tuple[int, dict[str, Any]]:
    return call(jobs, query=query or None, caller=caller)


def test_a_reported_execution_is_stored_and_answered() -> None:
    status, body = send(report(startedAt="2024-05-01T10:00:00+02:00", status="failed", errors=["disk full"]))
    assert status == 200, body
    assert body["data"] | {"finishedAt": None} == {
        "jobId": "j_1",
        "jobType": "cleanup",
        "status": "failed",
        "duration": 1200,
        "processedItems": 42,
        "errors": ["disk full"],
        "startedAt": "2024-05-01T08:00:00.000Z",
        "finishedAt": None,
    }
    _, listed = listing()
    assert listed["data"] == [body["data"]]


def test_a_second_report_of_a_job_stores_nothing_and_answers_the_first() -> None:
    # GIVEN a job's report stored
    _, first = send(report(processedItems=1))
    # WHEN the same jobId is reported again (a retry, or a different outcome)
    status, second = send(report(processedItems=99, status="failed"))
    # THEN the answer is the stored one, and there is still one execution
    assert status == 200
    assert second["data"] == first["data"]
    _, listed = listing()
    assert [e["processedItems"] for e in listed["data"]] == [1]
    assert listed["pagination"]["total"] == 1


def test_bad_reports_are_400_with_the_field() -> None:
    cases = [
        (report(duration=-1), "duration"),
        (report(duration="5"), "duration"),
        (report(processedItems=1.5), "processedItems"),
        (report(status="ok"), "status"),
        (report(job_id="a#b"), "jobId"),
        (report(startedAt="yesterday"), "startedAt"),
        (report(extra=True), "extra"),
    ]
    for body, field in cases:
        status, answer = send(body)
        assert status == 400, body
        assert answer["error"]["field"] == field, (body, answer["error"])


def test_a_report_needs_a_service_token() -> None:
    status, body = call(execution_result, body=report())
    assert status == 401, body


def test_executions_page_newest_first_with_the_total() -> None:
    for hour in range(5):
        assert send(report(f"j_{hour}", startedAt=f"2024-05-01T1{hour}:00:00Z"))[0] == 200
    seen, cursor = [], None
    while True:
        _, body = listing(pageSize="2", **({"cursor": cursor} if cursor else {}))
        assert body["pagination"]["total"] == 5
        seen += [e["jobId"] for e in body["data"]]
        cursor = body["pagination"]["nextCursor"]
        if not cursor:
            break
    assert seen == ["j_4", "j_3", "j_2", "j_1", "j_0"]


def test_only_platform_admins_list_jobs() -> None:
    send(report())
    for caller in (
        user("u_admin", tenant="acme"),  # a tenant's admin holds `*`, but of another tenant
        user("u_m", tenant="platform", permissions=("metrics.read",), roles=("member",)),
    ):
        status, body = listing(caller)
        assert status == 403
        assert error_code(body) == "PERMISSION_DENIED"
    status, body = listing(cursor="bogus")
    assert status == 400
    assert body["error"]["field"] == "cursor"
