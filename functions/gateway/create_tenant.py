"""POST /api/v1/tenants — a platform admin creates a tenant and its admin user."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import flows
from functions.gateway.manifest import SERVICE
from functions.gateway.models import CreateTenantBody, Tenant
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("create-tenant"))
logger = app.logger
# Every request here calls tenants and users: the clients (and models) made at init, not at the first request.
flows.tenants()
flows.users()


@app.endpoint
def create_tenant(body: CreateTenantBody) -> Tenant:
    """Create a tenant and its admin user (platform admins)."""
    return flows.create_tenant(body, require().require_user())


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
