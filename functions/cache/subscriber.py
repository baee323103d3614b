"""Queue subscriber: seed 000's cache-service subscriptions, each moving a principal's epoch once."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.cache import invalidation
from functions.cache.manifest import SERVICE
from shared import tenant_purge
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger

subscriber.on("user.updated", "rbac.role_changed")(invalidation.on_user_changed)
subscriber.on("user.deleted")(invalidation.on_user_deleted)
subscriber.on("tenant.updated")(invalidation.on_tenant_updated)


@subscriber.on("tenant.deleting")
def purge_tenant(event: ServiceEvent) -> None:
    """Offboarding: a batch of the deleted tenant's items in this service's table, then
    tenant.purge_progress (shared.tenant_purge; docs/identity.md)."""
    tenant_purge.on_deleting(event, service="cache", table=tuple(t.name for t in SERVICE.tables))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return subscriber.handle(event, context)
