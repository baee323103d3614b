"""GET /.well-known/openid-configuration — OpenID Provider metadata, as raw JSON (not an envelope: OIDC
client libraries read it)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.oidc import metadata
from functions.oidc.manifest import SERVICE
from shared.http_app import JSON, HttpApp

app = HttpApp(SERVICE.function("discovery"))
logger = app.logger


@app.endpoint
def discovery() -> Response[str]:
    """Issuer, endpoints, the platform's JWKS, and what is supported (code + PKCE S256 only)."""
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    body = json.dumps(metadata.discovery(headers), separators=(",", ":"))
    return Response(status_code=200, content_type=JSON, body=body, headers={"Cache-Control": "max-age=300"})


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
