"""DELETE /api/v1/users/{userId} — delete a user, end its sessions, forget its roles (user.delete)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import service
from functions.users.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("delete"))
logger = app.logger


@app.endpoint
def delete(userId: str) -> Response[None]:
    """Delete another user of the caller's tenant."""
    service.delete(userId)
    return Response(status_code=204)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
