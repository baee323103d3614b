"""GET /api/v1/tenants/{tenantId}/exports/{exportId} — an export's progress, and its link once complete."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files import exports
from functions.files.export_models import ExportStatus
from functions.files.manifest import SERVICE
from shared.http_app import HttpApp
from shared.identifiers import TENANT_ID_PATTERN

app = HttpApp(SERVICE.function("export-get"))
logger = app.logger
TenantIdPath = Annotated[str, Path(pattern=TENANT_ID_PATTERN)]
ExportIdPath = Annotated[str, Path(max_length=64)]


@app.endpoint
def export_get(tenantId: TenantIdPath, exportId: ExportIdPath) -> ExportStatus:
    """An export's status and progress; a fresh presigned download link once completed."""
    return ExportStatus.model_validate(exports.status(tenantId, exportId))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
