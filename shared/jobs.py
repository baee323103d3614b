"""`Job`: the one shape of a scheduled job function (seed 000 scenario 4, DESIGN §4).

    auth, files, monitoring = AuthClient(SERVICE), FilesClient(SERVICE), MonitoringClient(SERVICE)

    job = Job(
        SERVICE.function("cleanup-job"),
        job_type="file-cleanup",
        system_token=job_token_source(auth),  # functions/auth/client.py
        record=job_recorder(monitoring),  # functions/monitoring/client.py
    )

    @job.work
    def cleanup(run: JobRun) -> JobResult:
        done = files.cleanup_temp_files(CleanupRequest(older_than="7d"), system_token=run.system_token)
        return JobResult(processed_items=done.processed_items, errors=done.errors)

    def handler(event, context):
        return job.handle(event, context)

A run: take the job's lock (a second run while one is going does nothing) → `system.job_started` → a
system token (`system_token`: the job's module asks auth) → the work, through the service's maintenance
endpoint with that token → the result recorded (`record`: the job's module sends it to monitoring) →
`system.job_completed` or `system.job_failed` (which the notification service turns into an alert for
the platform admins) → the lock released. The work itself must be safe to repeat (each maintenance
endpoint claims every item it touches), so a retried or overlapping run never does anything twice.

The kernel names no service: who signs system tokens and who keeps results is the job module's to say,
with the typed clients of those services (the kernel never imports `functions/`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared import aws, outbox
from shared import context as request_context
from shared.config import settings
from shared.context import RequestContext, new_id
from shared.declarations import IDEMPOTENCY_TABLE, Function, Schedule
from shared.envelopes import utc_now_iso
from shared.errors import StratusError
from shared.events import publisher
from shared.observability import log_keys, logger


@dataclass(frozen=True)
class JobResult:
    processed_items: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.errors)


@dataclass(frozen=True)
class JobRun:
    job_id: str
    job_type: str
    token: str | None  # the run's system token; None for a job made without `system_token`

    @property
    def system_token(self) -> str:
        """The system token for the maintenance endpoints this run calls (`X-System-Token`)."""
        if self.token is None:
            raise RuntimeError(f"job {self.job_type} was made without a system token source")
        return self.token


@dataclass(frozen=True)
class JobReport:
    job_id: str
    job_type: str
    status: str  # completed / failed / skipped (another run holds the lock)
    duration: int  # ms
    processed_items: int
    errors: list[str]
    started_at: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "jobId": self.job_id,
            "jobType": self.job_type,
            "status": self.status,
            "duration": self.duration,
            "processedItems": self.processed_items,
            "errors": self.errors,
            "startedAt": self.started_at,
        }


Work = Callable[[JobRun], JobResult]
# (service id, operation) → a system token: the job module asks auth (its typed client).
SystemTokenSource = Callable[[str, str], str]
# A finished run's report → recorded: the job module sends it to monitoring (its typed client).
Recorder = Callable[[JobReport], object]


class Job:
    def __init__(
        self,
        function: Function,
        *,
        job_type: str,
        record: Recorder,
        system_token: SystemTokenSource | None = None,
        report_idle: bool = True,
    ) -> None:
        if not isinstance(function.trigger, Schedule):
            raise TypeError(f"{function.qualified_name} is not a scheduled function")
        self.function = function
        self.job_type = job_type
        self.record = record
        self.system_token = system_token  # None: the work calls no maintenance endpoint
        # A frequent job that found nothing to do (the outbox drain, every minute) need not fill the
        # audit log and the executions list with empty runs.
        self.report_idle = report_idle
        self.logger = logger(function.service)
        self._work: Work | None = None

    def work(self, func: Work) -> Work:
        self._work = func
        return func

    # --- the entry point ----------------------------------------------------------------------------
    def handle(self, event: Mapping[str, Any] | None, context: Any) -> dict[str, Any]:
        """A scheduled event (or `stratus jobs run`) → the run's report."""
        return self.run().as_dict()

    def run(self) -> JobReport:
        if self._work is None:
            raise RuntimeError(f"{self.function.qualified_name} has no @job.work function")
        job_id, started_at, began = new_id("job_"), utc_now_iso(), time.monotonic()
        ctx = RequestContext(request_id=new_id("req_"), correlation_id=job_id, service=self.function.service)
        keys = {"request_id": ctx.request_id, "job_id": job_id, "job_type": self.job_type}
        with request_context.bound(ctx), log_keys(self.logger, **keys):
            if not _lock(self.function.qualified_name, job_id, self.function.timeout):
                self.logger.info("another run holds the lock; skipped")
                return JobReport(job_id, self.job_type, "skipped", 0, 0, [], started_at)
            try:
                report = self._run_locked(job_id, started_at, began)
            finally:
                _unlock(self.function.qualified_name, job_id)
        self.logger.info("job finished", status=report.status, processed=report.processed_items)
        return report

    def _run_locked(self, job_id: str, started_at: str, began: float) -> JobReport:
        started = {"jobId": job_id, "jobType": self.job_type, "startedAt": started_at}
        if self.report_idle:
            self._announce("system.job_started", started)
        result = self._attempt(job_id)
        duration = int((time.monotonic() - began) * 1000)
        status = "failed" if result.failed else "completed"
        report = JobReport(
            job_id, self.job_type, status, duration, result.processed_items, result.errors, started_at
        )
        if self.report_idle or result.failed or result.processed_items:
            if not self.report_idle:
                self._announce("system.job_started", started)
            self._report(report)
        return report

    def _attempt(self, job_id: str) -> JobResult:
        """The work; an exception is the run's failure (recorded and alerted), not the function's."""
        assert self._work is not None
        try:
            token = None
            if self.system_token is not None:
                token = self.system_token(self.function.qualified_name, self.job_type)
            return self._work(JobRun(job_id, self.job_type, token))
        except Exception as exc:  # the job's own failure: report it, never lose it in a log
            self.logger.exception("job failed")
            message = exc.message if isinstance(exc, StratusError) else f"{type(exc).__name__}: {exc}"
            return JobResult(errors=[message or type(exc).__name__])

    def _report(self, report: JobReport) -> None:
        """Recorded (monitoring), then the event. Either may fail without hiding the other."""
        try:
            self.record(report)
        except Exception:  # a refusal, an outage, or a report the recorder's model would not take
            self.logger.exception("execution result not recorded")
        data: dict[str, Any] = {
            "jobId": report.job_id,
            "jobType": report.job_type,
            "durationMs": report.duration,
            "processedItems": report.processed_items,
        }
        if report.status == "failed":
            self._announce("system.job_failed", {**data, "errors": report.errors})
        else:
            self._announce("system.job_completed", data)

    def _announce(self, event_type: str, data: dict[str, Any]) -> None:
        """Staged in the outbox, then published: a bus outage delays the event, never loses it. (The
        outbox drain is a job too: its own events wait for its next run.)"""
        try:
            outbox.emit(publisher.build(event_type, data, tenant_id=settings().platform_tenant))
        except (StratusError, BotoCoreError, ClientError):  # the outbox is unreachable: the result still
            # goes to monitoring, and the run must report it
            self.logger.exception("job event not staged", event_type=event_type)


# --- the run lock: one item in the kernel's idempotency table, expiring with the function's timeout ------
def _lock_key(name: str) -> dict[str, Any]:
    return {"pk": {"S": f"JOBLOCK#{name}"}, "sk": {"S": "LOCK"}}


def _lock(name: str, job_id: str, timeout: int) -> bool:
    now = int(time.time())
    try:
        aws.client("dynamodb").put_item(
            TableName=settings().table_name(IDEMPOTENCY_TABLE.name),
            Item={**_lock_key(name), "jobId": {"S": job_id}, "expiration": {"N": str(now + timeout + 5)}},
            ConditionExpression="attribute_not_exists(pk) OR expiration < :now",
            ExpressionAttributeValues={":now": {"N": str(now)}},
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _unlock(name: str, job_id: str) -> None:
    try:
        aws.client("dynamodb").delete_item(
            TableName=settings().table_name(IDEMPOTENCY_TABLE.name),
            Key=_lock_key(name),
            ConditionExpression="jobId = :me",
            ExpressionAttributeValues={":me": {"S": job_id}},
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
