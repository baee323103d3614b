"""Queue subscriber: every user, tenant, file, system and rbac event becomes one audit record."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.audit import records
from functions.audit.manifest import SERVICE
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger


@subscriber.on("user.*", "tenant.*", "file.*", "system.*", "rbac.*")
def record(event: ServiceEvent) -> None:
    """The write is keyed on the event, so a redelivery past the kernel's idempotency writes nothing."""
    records.record(event)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return subscriber.handle(event, context)
