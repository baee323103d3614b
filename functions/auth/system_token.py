"""POST /internal/auth/system-token — a short-lived `system` token for a scheduled job (services only)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth import service
from functions.auth.manifest import SERVICE
from functions.auth.models import SystemToken, SystemTokenRequest
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("system-token"))
logger = app.logger


@app.endpoint
def system_token(body: SystemTokenRequest) -> SystemToken:
    """Sign a 5-minute system token for a job's operation; never accepted as an access token."""
    return service.system_token(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
