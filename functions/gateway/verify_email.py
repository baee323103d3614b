"""POST /api/v1/auth/verify-email — the token of a verification link proves the address (user.verified)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import account_links
from functions.gateway.link_models import VerifyEmailBody
from functions.gateway.manifest import SERVICE
from shared.context import Headers, require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("verify-email"))
logger = app.logger


@app.endpoint
def verify_email(body: VerifyEmailBody) -> Response[None]:
    """Verify the user's email address with the token of a verification link (once)."""
    tenant = app.current_event.headers.get(Headers.TENANT_ID)
    account_links.verify_email(body, require(), app.declared.path, tenant)
    return Response(status_code=204)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
