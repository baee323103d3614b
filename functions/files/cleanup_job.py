"""Scheduled: temp-file cleanup (seed 000 scenario 4) — uploads still pending after 7 days are removed and
their reserved quota released, through files' own maintenance endpoint with a system token."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files.manifest import SERVICE
from shared.jobs import Job, JobResult, JobRun

job = Job(SERVICE.function("cleanup-job"), job_type="file-cleanup")
logger = job.logger
OLDER_THAN = "7d"


@job.work
def cleanup(run: JobRun) -> JobResult:
    done = run.client.post(
        "files",
        "/internal/maintenance/cleanup-temp-files",
        {"olderThan": OLDER_THAN},
        headers=run.system_headers,
    )
    return JobResult(processed_items=int(done["processedItems"]), errors=list(done["errors"]))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return job.handle(event, context)
