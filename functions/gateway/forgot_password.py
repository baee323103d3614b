"""POST /api/v1/auth/forgot-password — a one-time reset link by email; 202 whether or not the address has
an account."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import account_links
from functions.gateway.link_models import Accepted, AddressBody
from functions.gateway.manifest import SERVICE
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("forgot-password"))
logger = app.logger


@app.endpoint
def forgot_password(body: AddressBody) -> Accepted:
    """Email a password-reset link (valid 30 minutes, once) if an account of the tenant uses the address."""
    return account_links.forgot_password(body, require(), app.declared.path)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
