"""POST /api/v1/auth/login — tokens for valid credentials (seed 000 scenario 2)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import flows, mfa_flow  # noqa: F401 - on every login's path: loaded at init
from functions.gateway.manifest import SERVICE
from functions.gateway.models import LoginBody, TokenPair
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("login"))
logger = app.logger
# Every request here calls tenants and users: the clients (and models) made at init, not at the first request.
flows.tenants()
flows.users()


@app.endpoint
def login(body: LoginBody) -> TokenPair:
    """Log in: an access token, a refresh token and the user's roles and permissions."""
    return flows.login(body, require(), app.declared.path)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
