"""Queue subscriber: offboarding. A deleted tenant's authorization codes and grants (refresh-token
families) are removed in batches (shared.tenant_purge; docs/identity.md), so no token of the tenant can be
refreshed after its deletion even before the items' TTL."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.oidc.manifest import SERVICE
from shared import tenant_purge
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger


@subscriber.on("tenant.deleting")
def purge_tenant(event: ServiceEvent) -> None:
    tenant_purge.on_deleting(event, service="oidc", table=tuple(t.name for t in SERVICE.tables))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return subscriber.handle(event, context)
