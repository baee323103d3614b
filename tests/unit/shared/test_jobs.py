"""The job kernel (seed 000 scenario 4): system token → work → execution result recorded → events; a
failure is reported and alerted, never swallowed; an overlapping run does nothing. The kernel names no
service: the token source and the recorder are the job module's (its typed clients of auth and
monitoring)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from shared import jobs
from shared.declarations import IDEMPOTENCY_TABLE, OUTBOX_TABLE, Function, Layer, Schedule, Service
from shared.errors import ServiceUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from stratus.provision import create_table

SERVICE = Service(
    "janitor", Layer.APPLICATION, functions=(Function("sweep-job", Schedule("rate(1 hour)"), timeout=30),)
)


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    sent: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *events: sent.extend(events))
    return sent


class Platform:
    """What a job module hands its Job: a system-token source and a recorder (here, fakes of auth's and
    monitoring's typed calls)."""

    def __init__(self) -> None:
        self.token_requests: list[tuple[str, str]] = []
        self.recorded: list[jobs.JobReport] = []
        self.recorder_down = False

    def system_token(self, service_id: str, operation: str) -> str:
        self.token_requests.append((service_id, operation))
        return "sys-1"

    def record(self, report: jobs.JobReport) -> None:
        if self.recorder_down:
            raise ServiceUnavailable("monitoring is down")
        self.recorded.append(report)


@pytest.fixture
def platform() -> Iterator[Platform]:
    with mock_aws():
        create_table(IDEMPOTENCY_TABLE)
        create_table(OUTBOX_TABLE)
        yield Platform()


def sweep_job(work: Any, platform: Platform) -> jobs.Job:
    job = jobs.Job(
        SERVICE.function("sweep-job"),
        job_type="sweep",
        system_token=platform.system_token,
        record=platform.record,
    )
    job.work(work)
    return job


def test_a_run_gets_a_system_token_records_its_result_and_announces_itself(
    platform: Platform, published: list[ServiceEvent]
) -> None:
    seen: list[str] = []

    def work(run: jobs.JobRun) -> jobs.JobResult:
        seen.append(run.system_token)
        return jobs.JobResult(processed_items=7)

    report = sweep_job(work, platform).handle({"source": "aws.events"}, None)
    assert seen == ["sys-1"]
    assert platform.token_requests == [("janitor-sweep-job", "sweep")]
    assert (report["status"], report["processedItems"], report["errors"]) == ("completed", 7, [])
    [result] = platform.recorded
    assert result.as_dict() == report
    assert [e.type for e in published] == ["system.job_started", "system.job_completed"]
    assert published[1].data["jobId"] == report["jobId"]
    assert published[1].tenant_id == "platform"


def test_a_job_without_a_token_source_runs_without_one(
    platform: Platform, published: list[ServiceEvent]
) -> None:
    job = jobs.Job(SERVICE.function("sweep-job"), job_type="sweep", record=platform.record)
    job.work(lambda run: jobs.JobResult(processed_items=1 if run.token is None else 0))
    assert job.run().processed_items == 1
    assert platform.token_requests == []


def test_a_recorder_that_fails_hides_neither_the_report_nor_the_event(
    platform: Platform, published: list[ServiceEvent]
) -> None:
    platform.recorder_down = True
    report = sweep_job(lambda run: jobs.JobResult(processed_items=1), platform).run()
    assert report.status == "completed"
    assert [e.type for e in published] == ["system.job_started", "system.job_completed"]


def test_a_failing_run_is_reported_failed_with_its_error_and_releases_the_lock(
    platform: Platform, published: list[ServiceEvent]
) -> None:
    def work(run: jobs.JobRun) -> jobs.JobResult:
        raise RuntimeError("bucket gone")

    report = sweep_job(work, platform).run()
    assert report.status == "failed"
    assert report.errors == ["RuntimeError: bucket gone"]
    assert platform.recorded[0].status == "failed"
    failed = published[-1]
    assert failed.type == "system.job_failed"
    assert failed.data["errors"] == ["RuntimeError: bucket gone"]
    # AND the next run is not blocked by the failed one
    assert sweep_job(lambda run: jobs.JobResult(), platform).run().status == "completed"


def test_a_run_while_another_holds_the_lock_does_nothing(
    platform: Platform, published: list[ServiceEvent]
) -> None:
    calls: list[str] = []
    assert jobs._lock("janitor-sweep-job", "job_other", timeout=30)
    report = sweep_job(lambda run: calls.append(run.job_id) or jobs.JobResult(), platform).run()
    assert report.status == "skipped"
    assert calls == []
    assert published == []
    assert platform.token_requests == platform.recorded == []
