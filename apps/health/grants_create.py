"""POST /api/v1/apps/health/grants - let a verified expert of the tenant read the caller's readings."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import consent
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import GrantIn, GrantOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("grants-create"), access=ACCESS)
logger = app.logger


@app.endpoint
def create_grant(body: GrantIn) -> GrantOut:
    """Grant a verified expert of the caller's tenant read access until expiresAt."""
    return consent.grant(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
