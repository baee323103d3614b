"""POST /api/v1/auth/logout — end the caller's session: its access and refresh tokens stop working."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import flows
from functions.gateway.manifest import SERVICE
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("logout"))
logger = app.logger


@app.endpoint
def logout() -> Response[None]:
    """End the caller's session at once."""
    flows.logout(require().require_user())
    return Response(status_code=204)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
