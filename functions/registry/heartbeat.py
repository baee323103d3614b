"""POST /api/v1/registry/heartbeat — an app says it is alive (Authorization: Bearer <registrationToken>)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.registry import apps
from functions.registry.manifest import SERVICE
from functions.registry.models import Heartbeat, HeartbeatAck
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("heartbeat"))
logger = app.logger


@app.endpoint
def heartbeat(body: Annotated[Heartbeat | None, Body()] = None) -> HeartbeatAck:
    """Record the heartbeat (and the version, if given); another app's or a wrong token is 401."""
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    return apps.heartbeat(headers, body or Heartbeat())


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
