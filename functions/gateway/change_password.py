"""POST /api/v1/auth/change-password — change the caller's password (the current one is required)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import flows
from functions.gateway.manifest import SERVICE
from functions.gateway.models import ChangePasswordBody
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("change-password"))
logger = app.logger
# Every request here calls users: the client (and models) made at init, not at the first request.
flows.users()


@app.endpoint
def change_password(body: ChangePasswordBody) -> Response[None]:
    """Change the caller's password."""
    flows.change_password(body, require().require_user())
    return Response(status_code=204)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
