"""POST /api/v1/realtime/publish — push `{type, data}` to a channel of the caller's tenant."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.realtime import push
from functions.realtime.manifest import SERVICE
from functions.realtime.models import Published, PublishRequest
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("publish"))
logger = app.logger


@app.endpoint
def publish(body: PublishRequest) -> Published:
    """Deliver the message to every connection of the caller's tenant subscribed to the channel
    (realtime.publish); answers how many got it."""
    return push.publish(require().require_user(), body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
