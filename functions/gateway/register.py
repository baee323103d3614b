"""POST /api/v1/auth/register — register a user in a tenant (seed 000 scenario 1)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import flows
from functions.gateway.manifest import SERVICE
from functions.gateway.models import RegisterBody, RegisteredUser
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("register"))
logger = app.logger
# Every request here calls tenants and users: the clients (and models) made at init, not at the first request.
flows.tenants()
flows.users()


@app.endpoint
def register(body: RegisterBody) -> RegisteredUser:
    """Register a user in a tenant (seed 000 scenario 1)."""
    return flows.register(body, require(), app.declared.path)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
