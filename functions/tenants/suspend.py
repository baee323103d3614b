"""POST /api/v1/tenants/{tenantId}/suspend — platform admin only; its users lose access at once."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import lifecycle
from functions.tenants.manifest import SERVICE
from functions.tenants.models import Tenant
from shared.http_app import HttpApp
from shared.identifiers import TENANT_ID_PATTERN

app = HttpApp(SERVICE.function("suspend"))
logger = app.logger
TenantIdPath = Annotated[str, Path(pattern=TENANT_ID_PATTERN)]


@app.endpoint
def suspend(tenantId: TenantIdPath) -> Tenant:
    """Suspend a tenant."""
    return lifecycle.suspend(tenantId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
