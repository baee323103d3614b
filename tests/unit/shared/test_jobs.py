"""The job kernel (seed 000 scenario 4): system token → work → execution result to monitoring → events;
a failure is reported and alerted, never swallowed; an overlapping run does nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from shared import jobs
from shared.declarations import IDEMPOTENCY_TABLE, OUTBOX_TABLE, Function, Layer, Schedule, Service
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import set_default_transport
from stratus.provision import create_table
from tests.kit import FakeServices

SERVICE = Service(
    "janitor", Layer.APPLICATION, functions=(Function("sweep-job", Schedule("rate(1 hour)"), timeout=30),)
)


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    sent: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *events: sent.extend(events))
    return sent


@pytest.fixture
def services() -> Iterator[FakeServices]:
    fake = FakeServices()
    fake.on(
        "auth", "POST", "/internal/auth/system-token", lambda r, b: {"systemToken": "sys-1", "expiresIn": 300}
    )
    fake.on("monitoring", "POST", "/internal/jobs/execution-result", lambda r, b: b)
    set_default_transport(fake)
    with mock_aws():
        create_table(IDEMPOTENCY_TABLE)
        create_table(OUTBOX_TABLE)
        yield fake
    set_default_transport(None)


def sweep_job(work: Any) -> jobs.Job:
    job = jobs.Job(SERVICE.function("sweep-job"), job_type="sweep")
    job.work(work)
    return job


def test_a_run_gets_a_system_token_reports_to_monitoring_and_announces_itself(
    services: FakeServices, published: list[ServiceEvent]
) -> None:
    seen: list[dict[str, str]] = []

    def work(run: jobs.JobRun) -> jobs.JobResult:
        seen.append(run.system_headers)
        return jobs.JobResult(processed_items=7)

    report = sweep_job(work).handle({"source": "aws.events"}, None)
    assert seen == [{"x-system-token": "sys-1"}]
    assert (report["status"], report["processedItems"], report["errors"]) == ("completed", 7, [])
    [result] = services.sent("monitoring", "/internal/jobs/execution-result")
    assert result["jobId"] == report["jobId"]
    assert (result["jobType"], result["status"], result["processedItems"]) == ("sweep", "completed", 7)
    assert [e.type for e in published] == ["system.job_started", "system.job_completed"]
    assert published[1].data["jobId"] == report["jobId"]
    assert published[1].tenant_id == "platform"


def test_a_failing_run_is_reported_failed_with_its_error_and_releases_the_lock(
    services: FakeServices, published: list[ServiceEvent]
) -> None:
    def work(run: jobs.JobRun) -> jobs.JobResult:
        raise RuntimeError("bucket gone")

    report = sweep_job(work).run()
    assert report.status == "failed"
    assert report.errors == ["RuntimeError: bucket gone"]
    assert services.sent("monitoring")[0]["status"] == "failed"
    failed = published[-1]
    assert failed.type == "system.job_failed"
    assert failed.data["errors"] == ["RuntimeError: bucket gone"]
    # AND the next run is not blocked by the failed one
    assert sweep_job(lambda run: jobs.JobResult()).run().status == "completed"


def test_a_run_while_another_holds_the_lock_does_nothing(
    services: FakeServices, published: list[ServiceEvent]
) -> None:
    calls: list[str] = []
    assert jobs._lock("janitor-sweep-job", "job_other", timeout=30)
    report = sweep_job(lambda run: calls.append(run.job_id) or jobs.JobResult()).run()
    assert report.status == "skipped"
    assert calls == []
    assert published == []
    assert services.requests == []
