"""Scheduled: the expired-session purge (seed 000 scenario 4's shape). Sessions live in the cache
service's table (DESIGN: auth's sessions are kept by cache), so auth — the service the sessions belong to —
runs the job and cache does the deleting through its maintenance endpoint."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth.client import AuthClient, job_token_source
from functions.auth.manifest import SERVICE
from functions.cache.client import CacheClient, Purge
from functions.monitoring.client import MonitoringClient, job_recorder
from shared.jobs import Job, JobResult, JobRun

auth = AuthClient(SERVICE)  # its own system-token route, called like any other service's
cache = CacheClient(SERVICE)
monitoring = MonitoringClient(SERVICE)

job = Job(
    SERVICE.function("purge-sessions-job"),
    job_type="session-purge",
    system_token=job_token_source(auth),
    record=job_recorder(monitoring),
)
logger = job.logger


@job.work
def purge(run: JobRun) -> JobResult:
    done = cache.purge_sessions(Purge(), system_token=run.system_token)
    return JobResult(processed_items=done.processed_items, errors=done.errors)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return job.handle(event, context)
