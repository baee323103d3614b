"""Scheduled: the expired-session purge (seed 000 scenario 4's shape). Sessions live in the cache
service's table (DESIGN: auth's sessions are kept by cache), so auth — the service the sessions belong to —
runs the job and cache does the deleting through its maintenance endpoint."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth.manifest import SERVICE
from shared.jobs import Job, JobResult, JobRun

job = Job(SERVICE.function("purge-sessions-job"), job_type="session-purge")
logger = job.logger


@job.work
def purge(run: JobRun) -> JobResult:
    done = run.client.post("cache", "/internal/maintenance/purge-sessions", {}, headers=run.system_headers)
    return JobResult(processed_items=int(done["processedItems"]), errors=list(done.get("errors", [])))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return job.handle(event, context)
