"""GET /.well-known/jwks.json — the public keys that verify access tokens, as raw JWKS (not an envelope:
API Gateway's JWT authorizer and other verifiers read it)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.auth import service
from functions.auth.manifest import SERVICE
from shared.http_app import JSON, HttpApp

app = HttpApp(SERVICE.function("jwks"))
logger = app.logger


@app.endpoint
def jwks() -> Response[str]:
    """The active signing key's public JWK, then any previous ones still trusted."""
    return Response(
        status_code=200,
        content_type=JSON,
        body=service.jwks_document(),
        headers={"Cache-Control": "max-age=300"},
    )


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
