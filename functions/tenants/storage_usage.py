"""POST /internal/tenants/{tenantId}/storage-usage — set the storage usage to what the tenant's files hold
(the quota-reconciliation job; a system token is required)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import quota
from functions.tenants.manifest import SERVICE
from functions.tenants.models import StorageUsage, UsageCorrection
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("storage-usage"))
logger = app.logger


@app.endpoint
def storage_usage(tenantId: str, body: StorageUsage) -> UsageCorrection:
    """Replace the counted storage bytes with the reconciled figure; say what it was."""
    return quota.reconcile_storage(tenantId, body.bytes)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
