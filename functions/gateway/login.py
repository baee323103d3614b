"""POST /api/v1/auth/login — tokens for valid credentials (seed 000 scenario 2)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import flows
from functions.gateway.manifest import SERVICE
from functions.gateway.models import LoginBody, TokenPair
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("login"))
logger = app.logger


@app.endpoint
def login(body: LoginBody) -> TokenPair:
    """Log in: an access token, a refresh token and the user's roles and permissions."""
    return flows.login(body, require(), app.declared.path)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
