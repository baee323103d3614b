"""GET /api/v1/oauth2/userinfo — the signed-in user's claims (Bearer: the OAuth access token), as raw
JSON per OpenID Connect Core §5.3; refusals are the platform's 401/403 envelopes with `WWW-Authenticate`."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.oidc import provider
from functions.oidc.manifest import SERVICE
from shared.http_app import JSON, HttpApp

app = HttpApp(SERVICE.function("userinfo"))
logger = app.logger


@app.endpoint
def userinfo() -> Response[str]:
    """`sub` and `tenant_id`, then `email`/`email_verified` (scope email) and profile claims (profile)."""
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    body = json.dumps(provider.userinfo(headers), separators=(",", ":"))
    return Response(status_code=200, content_type=JSON, body=body, headers={"Cache-Control": "no-store"})


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
