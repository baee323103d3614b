"""POST /internal/auth/verify-token — the claims of a valid access token."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth import service
from functions.auth.manifest import SERVICE
from functions.auth.models import VerifiedClaims, VerifyTokenRequest
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("verify-token"))
logger = app.logger


@app.endpoint
def verify_token(body: VerifyTokenRequest) -> VerifiedClaims:
    """Verify an access token; 401 INVALID_TOKEN or TOKEN_EXPIRED when it does not pass."""
    return service.verify_token(body.token)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
