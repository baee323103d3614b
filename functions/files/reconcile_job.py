"""Scheduled: storage-quota reconciliation. For every tenant, the bytes its file records hold (files'
maintenance endpoint) become the tenant's counted storage usage (tenants, with the system token), so drift
left by a crash between a record change and its quota call is corrected."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files.manifest import SERVICE
from shared.errors import StratusError
from shared.jobs import Job, JobResult, JobRun

job = Job(SERVICE.function("reconcile-job"), job_type="storage-reconciliation")
logger = job.logger
PAGE = "100"


@job.work
def reconcile(run: JobRun) -> JobResult:
    processed, errors = 0, []
    cursor: str | None = None
    while True:
        query = {"pageSize": PAGE, **({"cursor": cursor} if cursor else {})}
        page = run.client.get("tenants", "/internal/tenants", query=query)
        for tenant_id in page["tenantIds"]:
            try:
                _reconcile(run, tenant_id)
                processed += 1
            except StratusError as exc:  # one tenant's failure is reported; the others still get done
                errors.append(f"{tenant_id}: {exc.code}: {exc.message}")
        cursor = page.get("nextCursor")
        if not cursor:
            return JobResult(processed_items=processed, errors=errors)


def _reconcile(run: JobRun, tenant_id: str) -> None:
    held = run.client.post(
        "files",
        "/internal/maintenance/reconcile-storage",
        {"tenantId": tenant_id},
        headers=run.system_headers,
    )
    run.client.post(
        "tenants",
        f"/internal/tenants/{tenant_id}/storage-usage",
        {"bytes": int(held["bytes"])},
        headers=run.system_headers,
    )


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return job.handle(event, context)
