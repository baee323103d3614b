"""POST /internal/users/password-reset-request — a reset link for an address of the tenant."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import recovery
from functions.users.identity_models import LinkRequest, LinkTicket
from functions.users.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("password-reset-request"))
logger = app.logger


@app.endpoint
def password_reset_request(body: LinkRequest) -> LinkTicket:
    """A reset token for the address's user; `issued` false (and no token) for an unknown address."""
    return recovery.request_reset(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
