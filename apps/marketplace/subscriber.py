"""The marketplace's queue subscriber: creators are credited when an order is paid, and the credit is
taken back when the order is refunded (each booking once per order line: apps.marketplace.revenue); the
search index follows every product change, and is rebuilt on request (apps.marketplace.search); a deleted
tenant's data is removed (apps.marketplace.offboarding)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import analytics, offboarding, revenue, search
from apps.marketplace.manifest import SERVICE
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger


@subscriber.on("order.paid")
def credit_creators(event: ServiceEvent) -> None:
    if event.tenant_id is None:
        return
    revenue.credit_order(event.tenant_id, event.data["orderId"], event.data["lines"], event.data["currency"])


@subscriber.on("order.paid")
def count_order(event: ServiceEvent) -> None:
    if event.tenant_id is None:
        return
    data = event.data
    analytics.record_order(event.tenant_id, data["lines"], data["currency"], data["amount"], event.timestamp)


@subscriber.on("payment.refunded")
def reverse_credits(event: ServiceEvent) -> None:
    if event.tenant_id is None:
        return
    revenue.reverse_order(event.tenant_id, event.data["orderId"])


@subscriber.on("product.*")
def reindex(event: ServiceEvent) -> None:
    if event.tenant_id is None:
        return
    search.index_product(event.tenant_id, event.data["productId"])


@subscriber.on("search.index_rebuild_requested")
def rebuild(event: ServiceEvent) -> None:
    if event.tenant_id is None:
        return
    search.rebuild(event.tenant_id)


@subscriber.on("tenant.deleted")
def forget_deleted_tenant(event: ServiceEvent) -> None:
    offboarding.forget_deleted(event.data["tenantId"])


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return subscriber.handle(event, context)
