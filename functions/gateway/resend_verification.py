"""POST /api/v1/auth/resend-verification — a new verification link; 202 whatever the address."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import account_links
from functions.gateway.link_models import Accepted, AddressBody
from functions.gateway.manifest import SERVICE
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("resend-verification"))
logger = app.logger


@app.endpoint
def resend_verification(body: AddressBody) -> Accepted:
    """Email a new verification link (valid a day, once) if an unverified account uses the address."""
    return account_links.resend_verification(body, require(), app.declared.path)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
