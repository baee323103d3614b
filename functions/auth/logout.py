"""POST /internal/auth/logout — end a session (cache revokes it) and publish user.logout."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth import service
from functions.auth.manifest import SERVICE
from functions.auth.models import LoggedOut, LogoutRequest
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("logout"))
logger = app.logger


@app.endpoint
def logout(body: LogoutRequest) -> LoggedOut:
    """Revoke the session so its access and refresh tokens stop working."""
    return service.logout(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
