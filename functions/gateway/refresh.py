"""POST /api/v1/auth/refresh — rotate a refresh token into a new token pair."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import flows
from functions.gateway.manifest import SERVICE
from functions.gateway.models import RefreshBody, TokenPair
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("refresh"))
logger = app.logger


@app.endpoint
def refresh(body: RefreshBody) -> TokenPair:
    """A new token pair for a refresh token; reusing a rotated one revokes the session."""
    return flows.refresh(body, require(), app.declared.path)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
