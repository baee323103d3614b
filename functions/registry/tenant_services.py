"""GET /api/v1/tenants/{tenantId}/services — every app, with whether this tenant enabled it."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.registry import tenancy
from functions.registry.manifest import SERVICE
from functions.registry.models import TenantApp
from shared.http_app import HttpApp
from shared.identifiers import TENANT_ID_PATTERN

app = HttpApp(SERVICE.function("tenant-services"))
logger = app.logger
TenantIdPath = Annotated[str, Path(pattern=TENANT_ID_PATTERN)]


@app.endpoint
def tenant_services(tenantId: TenantIdPath) -> list[TenantApp]:
    """The tenant's view of the apps (its members and platform admins)."""
    return tenancy.services(tenantId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
