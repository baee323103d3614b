"""PATCH /api/v1/tenants/{tenantId} — rename (tenant admin) or change plan/quotas (platform admin)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import administration
from functions.tenants.manifest import SERVICE
from functions.tenants.models import Tenant, TenantChanges
from shared.http_app import HttpApp
from shared.identifiers import TENANT_ID_PATTERN

app = HttpApp(SERVICE.function("update"))
logger = app.logger
TenantIdPath = Annotated[str, Path(pattern=TENANT_ID_PATTERN)]


@app.endpoint
def update(tenantId: TenantIdPath, body: TenantChanges) -> Tenant:
    """Update a tenant's name, plan or quotas."""
    return administration.update(tenantId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
