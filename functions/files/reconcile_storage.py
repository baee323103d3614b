"""POST /internal/maintenance/reconcile-storage — the bytes a tenant's file records hold (system token)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files import maintenance
from functions.files.manifest import SERVICE
from functions.files.models import ReconcileRequest, StorageHeld
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("reconcile-storage"))
logger = app.logger


@app.endpoint
def reconcile_storage(body: ReconcileRequest) -> StorageHeld:
    """The bytes held by the tenant's pending and available files, to compare with its quota usage."""
    return maintenance.reconcile(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
