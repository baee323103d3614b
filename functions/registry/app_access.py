"""GET /internal/registry/apps/{name}/tenants/{tenantId} — has the tenant enabled this in-repo app (its
kernel gate, `shared.app_access`, asks; only the app itself may)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.registry import tenancy
from functions.registry.manifest import SERVICE
from functions.registry.models import APP_NAME_PATTERN, AppAccess
from shared.http_app import HttpApp
from shared.identifiers import TENANT_ID_PATTERN

app = HttpApp(SERVICE.function("app-access"))
logger = app.logger
AppNamePath = Annotated[str, Path(pattern=APP_NAME_PATTERN)]
TenantIdPath = Annotated[str, Path(pattern=TENANT_ID_PATTERN)]


@app.endpoint
def app_access(name: AppNamePath, tenantId: TenantIdPath) -> AppAccess:
    """Whether the tenant enabled the app, and its configuration for the tenant."""
    return tenancy.access(name, tenantId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
