"""Queue subscriber: each service's `tenant.purge_progress` moves a tenant's deletion on (deletion.py)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import deletion
from functions.tenants.manifest import SERVICE
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger


@subscriber.on("tenant.purge_progress")
def progress(event: ServiceEvent) -> None:
    """Record a service's purge batch; continue it, start the next round, or finish the deletion."""
    deletion.on_progress(event)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return subscriber.handle(event, context)
