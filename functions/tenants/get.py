"""GET /api/v1/tenants/{tenantId} — a tenant with usage (platform admin or a member; else 404)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import administration
from functions.tenants.manifest import SERVICE
from functions.tenants.models import Tenant
from shared.http_app import HttpApp
from shared.identifiers import TENANT_ID_PATTERN

app = HttpApp(SERVICE.function("get"))
logger = app.logger
TenantIdPath = Annotated[str, Path(pattern=TENANT_ID_PATTERN)]


@app.endpoint
def get(tenantId: TenantIdPath) -> Tenant:
    """Get a tenant with its quotas and usage."""
    return administration.get(tenantId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
