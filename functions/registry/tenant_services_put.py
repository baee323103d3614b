"""PUT /api/v1/tenants/{tenantId}/services/{name} — enable or disable an app for the tenant."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.registry import tenancy
from functions.registry.manifest import SERVICE
from functions.registry.models import APP_NAME_PATTERN, Enablement, TenantApp
from shared.http_app import HttpApp
from shared.identifiers import TENANT_ID_PATTERN

app = HttpApp(SERVICE.function("tenant-services-put"))
logger = app.logger
TenantIdPath = Annotated[str, Path(pattern=TENANT_ID_PATTERN)]
AppNamePath = Annotated[str, Path(pattern=APP_NAME_PATTERN)]


@app.endpoint
def tenant_services_put(tenantId: TenantIdPath, name: AppNamePath, body: Enablement) -> TenantApp:
    """Tenant admin or platform admin; emits tenant.service_enabled or tenant.service_disabled."""
    return tenancy.put(tenantId, name, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
