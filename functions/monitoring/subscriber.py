"""Queue subscriber: per-tenant, per-day counters of logins, uploads, users, tenants and jobs."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.monitoring import counting
from functions.monitoring.manifest import SERVICE
from shared import tenant_purge
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger


# Every subscribed type, one handler: `counting.RULES` says what each counts (or that it counts nothing).
@subscriber.on(*subscriber.subscription.events)
def count(event: ServiceEvent) -> None:
    """The counters and the event's marker are one transaction, so a redelivery adds nothing."""
    counting.count(event)


@subscriber.on("tenant.deleting")
def purge_tenant(event: ServiceEvent) -> None:
    """Offboarding: a batch of the deleted tenant's items in this service's table, then
    tenant.purge_progress (shared.tenant_purge; docs/identity.md)."""
    tenant_purge.on_deleting(event, service="monitoring", table=tuple(t.name for t in SERVICE.tables))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return subscriber.handle(event, context)
