"""DELETE /api/v1/tenants/{tenantId} — platform admins: the tenant and all its data go (202; a job purges)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import deletion
from functions.tenants.manifest import SERVICE
from functions.tenants.models import DeletionAccepted
from shared.http_app import HttpApp
from shared.identifiers import TENANT_ID_PATTERN

app = HttpApp(SERVICE.function("delete"))
logger = app.logger
TenantIdPath = Annotated[str, Path(pattern=TENANT_ID_PATTERN)]


@app.endpoint
def delete(tenantId: TenantIdPath) -> DeletionAccepted:
    """Delete a tenant: its logins stop at once; every service then purges its data (tenant.deleted)."""
    return deletion.delete(tenantId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
