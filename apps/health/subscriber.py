"""The health app's queue: `health.report_requested` → the weekly report built and stored (tenants that
still have the app enabled); `health.alert` → the owner's in-app notification (apps/health/alerts.py);
`tenant.deleted` → the tenant's items removed from the app's table."""

from __future__ import annotations

from typing import Any

from apps.health import alerts, reports
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from shared import tenant_purge
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger
PURGE_BUDGET_SECONDS = 40.0  # within the subscriber's timeout; an unfinished purge comes back (retried)


@subscriber.on("health.report_requested")
def build_report(event: ServiceEvent) -> None:
    tenant_id = event.data["tenantId"]
    if ACCESS.enabled(tenant_id):
        reports.build(tenant_id, event.data["userId"], event.data["reportId"])


@subscriber.on("health.alert")
def notify_owner(event: ServiceEvent) -> None:
    """The owner's in-app notification (pushed in real time by the platform); a failed call retries."""
    if ACCESS.enabled(event.data["tenantId"]):
        alerts.notify(event)


@subscriber.on("tenant.deleted")
def forget_deleted_tenant(event: ServiceEvent) -> None:
    tenant_id = event.data["tenantId"]
    purged = tenant_purge.purge_table("health", tenant_id, budget_seconds=PURGE_BUDGET_SECONDS)
    if not purged.complete:
        raise RuntimeError(f"{tenant_id}: {purged.removed} items removed, more left: retried")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return subscriber.handle(event, context)
