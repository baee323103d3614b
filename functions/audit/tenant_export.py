"""POST /internal/audit/tenant-export — a page of the tenant's audit data for its export (offboarding)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.audit import offboarding
from functions.audit.manifest import SERVICE
from shared.http_app import HttpApp
from shared.tenant_export import TenantExportPage, TenantExportRequest

app = HttpApp(SERVICE.function("tenant-export"))
logger = app.logger


@app.endpoint
def tenant_export(body: TenantExportRequest) -> TenantExportPage:
    """A page of the tenant's audit data as the API shows it."""
    return offboarding.export_page(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
