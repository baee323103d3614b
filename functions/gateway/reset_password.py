"""POST /api/v1/auth/reset-password — a new password with a reset link's token; every session ends."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import account_links
from functions.gateway.link_models import ResetPasswordBody
from functions.gateway.manifest import SERVICE
from shared.context import Headers, require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("reset-password"))
logger = app.logger


@app.endpoint
def reset_password(body: ResetPasswordBody) -> Response[None]:
    """Set a new password with the token of a reset link (once): every session of the user ends."""
    tenant = app.current_event.headers.get(Headers.TENANT_ID)
    account_links.reset_password(body, require(), app.declared.path, tenant)
    return Response(status_code=204)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
