"""POST /api/v1/tenants/{tenantId}/export — an archive of the tenant's data, built asynchronously (202)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files import exports
from functions.files.export_models import ExportAccepted
from functions.files.manifest import SERVICE
from shared.http_app import HttpApp
from shared.identifiers import TENANT_ID_PATTERN

app = HttpApp(SERVICE.function("export-request"))
logger = app.logger
tenants = exports.clients.tenants  # every request checks the tenant: its client (and models) made at init
TenantIdPath = Annotated[str, Path(pattern=TENANT_ID_PATTERN)]


@app.endpoint
def export_request(tenantId: TenantIdPath) -> ExportAccepted:
    """Export a tenant's users, roles, files, audit and notifications (tenant admin or platform admin)."""
    return ExportAccepted.model_validate(exports.request(tenantId))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
