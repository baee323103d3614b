"""Scheduled: the outbox drain (DESIGN §3). Publishes every event a write staged in the kernel's outbox
but could not publish (the bus refused, or the function died first), then removes it. Needs no system
token: it calls no other service, and the outbox is the kernel's table."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.monitoring.client import MonitoringClient, job_recorder
from functions.monitoring.manifest import SERVICE
from shared import outbox
from shared.jobs import Job, JobResult, JobRun

monitoring = MonitoringClient(SERVICE)  # its own execution-result route

job = Job(
    SERVICE.function("outbox-drain-job"),
    job_type="outbox-drain",
    record=job_recorder(monitoring),
    report_idle=False,
)
logger = job.logger


@job.work
def drain(run: JobRun) -> JobResult:
    drained = outbox.drain()
    return JobResult(processed_items=drained.published, errors=drained.errors)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return job.handle(event, context)
