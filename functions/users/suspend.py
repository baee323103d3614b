"""POST /api/v1/users/{userId}/suspend — suspend a user and end its sessions (user.write)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import service
from functions.users.manifest import SERVICE
from functions.users.models import UserOut
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("suspend"))
logger = app.logger


@app.endpoint
def suspend(userId: str) -> UserOut:
    """Suspend another user of the caller's tenant."""
    return service.suspend(userId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
