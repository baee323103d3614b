"""POST /internal/users/{userId}/change-password — the current password checked, the new one set."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import credentials
from functions.users.manifest import SERVICE
from functions.users.models import PasswordChange, PasswordChanged
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("change-password"))
logger = app.logger


@app.endpoint
def change_password(body: PasswordChange, userId: str) -> PasswordChanged:
    """Replace a user's password after verifying the current one."""
    return credentials.change(userId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
