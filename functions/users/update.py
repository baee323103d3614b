"""PATCH /api/v1/users/{userId} — change a user's profile (self, or user.write)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import service
from functions.users.manifest import SERVICE
from functions.users.models import UserOut, UserPatch
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("update"))
logger = app.logger


@app.endpoint
def update(body: UserPatch, userId: str) -> UserOut:
    """Change the profile of a user of the caller's tenant."""
    return service.update(userId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
