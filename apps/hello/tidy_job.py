"""Scheduled, daily: forget the counts of tenants that no longer use the app (a disabled app keeps no
tenant's data longer than a day)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.hello import greetings
from apps.hello.access import ACCESS
from apps.hello.manifest import SERVICE
from functions.monitoring.client import MonitoringClient, job_recorder
from shared.jobs import Job, JobResult, JobRun

monitoring = MonitoringClient(SERVICE)

job = Job(SERVICE.function("tidy-job"), job_type="hello-tidy", record=job_recorder(monitoring))
logger = job.logger


@job.work
def tidy(run: JobRun) -> JobResult:
    # The daily sweep asks the registry itself, not a cached answer (a day-old choice must count).
    ACCESS.forget()
    forgotten, errors = greetings.tidy(ACCESS.enabled)
    return JobResult(processed_items=forgotten, errors=errors)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return job.handle(event, context)
