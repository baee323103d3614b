"""POST /internal/users/email-verify — use a verification link: the user is verified."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import recovery
from functions.users.identity_models import EmailVerification, LinkUsed
from functions.users.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("email-verify"))
logger = app.logger


@app.endpoint
def email_verify(body: EmailVerification) -> LinkUsed:
    """Mark the token's user verified (once); publishes user.verified."""
    return recovery.verify_email(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
