"""Scheduled (every minute): close the connections that never authenticated. On AWS nothing else closes a
silent one before API Gateway's 10-minute idle timeout; `stratus dev` closes them at the deadline itself,
so locally this finds nothing (docs/realtime.md)."""

from __future__ import annotations

import time
from typing import Any

from functions.monitoring.client import MonitoringClient, job_recorder
from functions.realtime import protocol
from functions.realtime.manifest import SERVICE
from shared.jobs import Job, JobResult, JobRun

monitoring = MonitoringClient(SERVICE)

job = Job(
    SERVICE.function("sweep"),
    job_type="realtime-sweep",
    record=job_recorder(monitoring),
    report_idle=False,  # every minute: only runs that closed something are worth a record
)
logger = job.logger


@job.work
def sweep(_run: JobRun) -> JobResult:
    return JobResult(processed_items=protocol.sweep(time.time()))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return job.handle(event, context)
