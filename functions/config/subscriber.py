"""Queue subscriber: each tenant's plan (from tenants' events: the plan scope of its merge) and this
container's flag cache (`config.changed`)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.config import documents
from functions.config.manifest import SERVICE
from shared import flags, tenant_purge
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger


@subscriber.on("tenant.created")
def tenant_created(event: ServiceEvent) -> None:
    documents.record_plan(str(event.data["tenantId"]), str(event.data["plan"]), event.timestamp)


@subscriber.on("tenant.plan_changed")
def plan_changed(event: ServiceEvent) -> None:
    documents.record_plan(str(event.data["tenantId"]), str(event.data["newPlan"]), event.timestamp)


@subscriber.on("config.changed")
def config_changed(event: ServiceEvent) -> None:
    """Where this container also evaluates flags (the monolith, `stratus dev`), they are fresh at once."""
    if event.data.get("key") == flags.FLAGS_KEY:
        flags.invalidate()


@subscriber.on("tenant.deleting")
def purge_tenant(event: ServiceEvent) -> None:
    """Offboarding: a batch of the deleted tenant's items in this service's table, then
    tenant.purge_progress (shared.tenant_purge; docs/identity.md)."""
    tenant_purge.on_deleting(event, service="config", table=tuple(t.name for t in SERVICE.tables))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return subscriber.handle(event, context)
