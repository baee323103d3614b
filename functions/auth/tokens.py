"""POST /internal/auth/tokens — sign the access token of an opened session; a login publishes user.login."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth import service
from functions.auth.manifest import SERVICE
from functions.auth.models import IssuedToken, TokensRequest
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("tokens"))
logger = app.logger


@app.endpoint
def tokens(body: TokensRequest) -> IssuedToken:
    """Sign an RS256 access token carrying the user's roles, permissions, session and epoch."""
    return service.issue_tokens(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
