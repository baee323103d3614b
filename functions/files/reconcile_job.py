"""Scheduled: storage-quota reconciliation. For every tenant, the bytes its file records hold (files'
maintenance endpoint) become the tenant's counted storage usage (tenants, with the system token), so drift
left by a crash between a record change and its quota call is corrected."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth.client import AuthClient, job_token_source
from functions.files.client import FilesClient, ReconcileRequest
from functions.files.manifest import SERVICE
from functions.monitoring.client import MonitoringClient, job_recorder
from functions.tenants.client import StorageUsage, TenantsClient
from shared.errors import StratusError
from shared.jobs import Job, JobResult, JobRun

auth = AuthClient(SERVICE)
files = FilesClient(SERVICE)  # its own maintenance route
tenants = TenantsClient(SERVICE)
monitoring = MonitoringClient(SERVICE)

job = Job(
    SERVICE.function("reconcile-job"),
    job_type="storage-reconciliation",
    system_token=job_token_source(auth),
    record=job_recorder(monitoring),
)
logger = job.logger
PAGE = 100


@job.work
def reconcile(run: JobRun) -> JobResult:
    processed, errors = 0, []
    cursor: str | None = None
    while True:
        page = tenants.directory(page_size=PAGE, cursor=cursor)
        for tenant_id in page.tenant_ids:
            try:
                _reconcile(run, tenant_id)
                processed += 1
            except StratusError as exc:  # one tenant's failure is reported; the others still get done
                errors.append(f"{tenant_id}: {exc.code}: {exc.message}")
        cursor = page.next_cursor
        if not cursor:
            return JobResult(processed_items=processed, errors=errors)


def _reconcile(run: JobRun, tenant_id: str) -> None:
    held = files.reconcile_storage(ReconcileRequest(tenant_id=tenant_id), system_token=run.system_token)
    tenants.storage_usage(tenant_id, StorageUsage(bytes=held.bytes), system_token=run.system_token)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return job.handle(event, context)
