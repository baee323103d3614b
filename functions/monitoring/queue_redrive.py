"""POST /api/v1/queues/{name}/redrive — move a subscriber queue's dead letters back (platform admins)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.monitoring import dead_letters
from functions.monitoring.manifest import SERVICE
from functions.monitoring.queue_models import QueueNamePath, Redriven
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("queue-redrive"))
logger = app.logger


@app.endpoint
def queue_redrive(name: QueueNamePath) -> Redriven:
    """Send every dead letter of the queue back to it; → how many moved. Unknown queue → 404."""
    return dead_letters.redrive(name)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
