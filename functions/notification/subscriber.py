"""The notification queue: messages for platform events, and the recipient projection they rely on.

Handlers for one event run in registration order, so on `user.created` the projection is written before
the welcome goes out. A handler that raises sends the message back (only that message of the batch);
what it already did is keyed or conditioned, so the retry does only the rest.
"""

from __future__ import annotations

from typing import Any

from functions.notification import messages, offboarding, recipients
from functions.notification.manifest import SERVICE
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger


def _tenant(event: ServiceEvent) -> str | None:
    """The tenant an event is about: its data's when it names one, else the envelope's."""
    tenant_id = event.data.get("tenantId") or event.tenant_id
    if not tenant_id:
        logger.warning("event names no tenant; nothing to notify")
    return str(tenant_id) if tenant_id else None


# --- the projection ----------------------------------------------------------------------------------
@subscriber.on("user.created")
def project_created_user(event: ServiceEvent) -> None:
    d = event.data
    recipients.user_created(
        d["tenantId"], d["userId"], d["email"], d.get("profile"), list(d.get("roles", []))
    )


@subscriber.on("user.updated")
def project_updated_user(event: ServiceEvent) -> None:
    if tenant_id := _tenant(event):
        recipients.user_updated(tenant_id, event.data["userId"], event.data.get("profile"))


@subscriber.on("user.deleted")
def project_deleted_user(event: ServiceEvent) -> None:
    if tenant_id := _tenant(event):
        recipients.user_deleted(tenant_id, event.data["userId"])


@subscriber.on("rbac.role_changed")
def project_role_change(event: ServiceEvent) -> None:
    if tenant_id := _tenant(event):
        d = event.data
        recipients.role_changed(tenant_id, d["userId"], d["role"], d["change"])


@subscriber.on("tenant.created")
def project_tenant_admin(event: ServiceEvent) -> None:
    d = event.data
    recipients.tenant_created(d["tenantId"], d["adminUserId"], d["adminEmail"])


# --- messages ----------------------------------------------------------------------------------------
@subscriber.on("user.created")
def welcome(event: ServiceEvent) -> None:
    messages.welcome(event)


@subscriber.on("user.password_changed")
def password_changed(event: ServiceEvent) -> None:
    if tenant_id := _tenant(event):
        messages.password_changed(event, tenant_id)


@subscriber.on("tenant.quota_exceeded")
def quota_exceeded(event: ServiceEvent) -> None:
    if tenant_id := _tenant(event):
        messages.quota_exceeded(event, tenant_id)


@subscriber.on("file.quota_warning")
def quota_warning(event: ServiceEvent) -> None:
    if tenant_id := _tenant(event):
        messages.quota_warning(event, tenant_id)


@subscriber.on("file.virus_detected")
def virus_detected(event: ServiceEvent) -> None:
    if tenant_id := _tenant(event):
        messages.virus_detected(event, tenant_id)


@subscriber.on("system.job_failed")
def job_failed(event: ServiceEvent) -> None:
    messages.job_failed(event)


@subscriber.on("tenant.deleting")
def purge_tenant(event: ServiceEvent) -> None:
    """Offboarding: a batch of the deleted tenant's items in this service's table, then
    tenant.purge_progress (shared.tenant_purge; docs/identity.md)."""
    offboarding.purge(event)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return subscriber.handle(event, context)
