"""POST /internal/tenants — create a tenant in status provisioning (taken id → 409)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import lifecycle
from functions.tenants.manifest import SERVICE
from functions.tenants.models import NewTenant, Tenant
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("create"))
logger = app.logger


@app.endpoint
def create(body: NewTenant) -> Tenant:
    """Create a tenant (provisioning) with its plan's quotas and any overrides."""
    return lifecycle.create(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
