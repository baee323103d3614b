"""POST /internal/tenants/{tenantId}/activate — provisioning → active; publishes tenant.created."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import lifecycle
from functions.tenants.manifest import SERVICE
from functions.tenants.models import Activation, Tenant
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("activate"))
logger = app.logger


@app.endpoint
def activate(tenantId: str, body: Activation) -> Tenant:
    """Activate a provisioned tenant and announce it with its first admin."""
    return lifecycle.activate(tenantId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
