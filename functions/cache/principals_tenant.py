"""POST /internal/principals/tenant — move a tenant's epoch and set its status; return the new epoch."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.cache import principals
from functions.cache.manifest import SERVICE
from functions.cache.models import Epoch, TenantPrincipalChange
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("principals-tenant"))
logger = app.logger


@app.endpoint
def principals_tenant(body: TenantPrincipalChange) -> Epoch:
    """Move a tenant's epoch and set its status; return the new epoch."""
    return Epoch(epoch=principals.bump_tenant(body.tenant_id, body.status))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
