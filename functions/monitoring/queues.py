"""GET /api/v1/queues — every subscriber queue with its depths and dead letters (platform admins only)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.monitoring import dead_letters
from functions.monitoring.manifest import SERVICE
from functions.monitoring.queue_models import QueueState
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("queues"))
logger = app.logger


@app.endpoint
def queues() -> list[QueueState]:
    """One row per subscriber queue: waiting, in flight, dead letters and the oldest dead letter."""
    return dead_letters.queues()


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
