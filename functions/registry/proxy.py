"""ANY /api/v1/apps/{name}/{proxy+} — an app's endpoint, through the platform (forwarding.py)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.registry import forwarding
from functions.registry.manifest import SERVICE
from shared.http_app import HttpApp

# Public endpoints of an app need no credential: the handler decides, per endpoint.
app = HttpApp(SERVICE.function("proxy"), anonymous=True)
logger = app.logger
AppNamePath = Annotated[str, Path(min_length=1, max_length=100)]


@app.endpoint
def proxy(name: AppNamePath) -> Response[Any]:
    """Forward the request to the app, as the verified caller in the verified tenant."""
    event = app.current_event
    headers = {k.lower(): v for k, v in (event.headers or {}).items()}
    return forwarding.forward(
        name,
        event.request_context.http.method.upper(),
        event.raw_path,
        event.raw_query_string or "",
        headers,
        forwarding.request_body(event),
    )


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
