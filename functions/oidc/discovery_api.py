"""GET /api/v1/.well-known/openid-configuration — the discovery document under the API's prefix too (API.md
writes part 2's paths relative to /api/v1); the same body as /.well-known/openid-configuration."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.oidc import metadata
from functions.oidc.manifest import SERVICE
from shared.http_app import JSON, HttpApp

app = HttpApp(SERVICE.function("discovery-api"))
logger = app.logger


@app.endpoint
def discovery_api() -> Response[str]:
    """Issuer, endpoints, the platform's JWKS, and what is supported (code + PKCE S256 only)."""
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    body = json.dumps(metadata.discovery(headers), separators=(",", ":"))
    return Response(status_code=200, content_type=JSON, body=body, headers={"Cache-Control": "max-age=300"})


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
