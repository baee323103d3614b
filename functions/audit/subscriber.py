"""Queue subscriber: every user, tenant, file, system, rbac and config event becomes one audit record."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.audit import offboarding, records
from functions.audit.manifest import SERVICE
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger


@subscriber.on("user.*", "tenant.*", "file.*", "system.*", "rbac.*", "config.*", "health.data_accessed")
def record(event: ServiceEvent) -> None:
    """The write is keyed on the event, so a redelivery past the kernel's idempotency writes nothing."""
    records.record(event)


@subscriber.on("tenant.deleting")
def purge_tenant(event: ServiceEvent) -> None:
    """Offboarding: a batch of the deleted tenant's items in this service's table, then
    tenant.purge_progress (shared.tenant_purge; docs/identity.md)."""
    offboarding.purge(event)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return subscriber.handle(event, context)
