"""Scheduled: temp-file cleanup (seed 000 scenario 4) — uploads still pending after 7 days are removed and
their reserved quota released, through files' own maintenance endpoint with a system token."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth.client import AuthClient, job_token_source
from functions.files.client import CleanupRequest, FilesClient
from functions.files.manifest import SERVICE
from functions.monitoring.client import MonitoringClient, job_recorder
from shared.jobs import Job, JobResult, JobRun

auth = AuthClient(SERVICE)
files = FilesClient(SERVICE)  # its own maintenance route
monitoring = MonitoringClient(SERVICE)

job = Job(
    SERVICE.function("cleanup-job"),
    job_type="file-cleanup",
    system_token=job_token_source(auth),
    record=job_recorder(monitoring),
)
logger = job.logger
OLDER_THAN = "7d"


@job.work
def cleanup(run: JobRun) -> JobResult:
    done = files.cleanup_temp_files(CleanupRequest(older_than=OLDER_THAN), system_token=run.system_token)
    return JobResult(processed_items=done.processed_items, errors=done.errors)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return job.handle(event, context)
