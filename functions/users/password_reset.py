"""POST /internal/users/password-reset — use a reset link: new password, every session ended."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import recovery
from functions.users.identity_models import LinkUsed, PasswordReset
from functions.users.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("password-reset"))
logger = app.logger


@app.endpoint
def password_reset(body: PasswordReset) -> LinkUsed:
    """Set a new password with a reset token (once); ends every session of the user."""
    return recovery.reset_password(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
