"""The realtime queue: a user's new in-app notification is pushed to the user's connections; a logout ends
that session's connections, a suspended or deleted user all of theirs, a suspended or deleted tenant every
one of its connections (`session_ended` first); a deleted tenant's rows are purged (offboarding)."""

from __future__ import annotations

from typing import Any

from functions.realtime import graphql_subscriptions, push
from functions.realtime.manifest import SERVICE
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber
from shared.tenant_purge import on_deleting

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger


def _tenant(event: ServiceEvent) -> str | None:
    tenant_id = event.data.get("tenantId") or event.tenant_id
    return str(tenant_id) if tenant_id else None


@subscriber.on("notification.created")
def notification(event: ServiceEvent) -> None:
    tenant_id = _tenant(event)
    if tenant_id:
        item = {k: v for k, v in event.data.items() if k not in ("userId", "tenantId")}
        push.to_user(tenant_id, str(event.data["userId"]), {"type": "notification", "data": item})
        graphql_subscriptions.on_notification(tenant_id, str(event.data["userId"]), item)


@subscriber.on("realtime.push_requested")
def app_push(event: ServiceEvent) -> None:
    """An app (same layer as realtime: it asks over the bus) pushes to named users of its tenant. The
    tenant is the envelope's, which the publisher took from its verified caller; data naming another is
    refused."""
    tenant_id = str(event.data["tenantId"])
    if event.tenant_id != tenant_id:
        logger.warning("push refused: its tenant is not the event's", tenant_id=event.tenant_id)
        return
    push.to_users(
        tenant_id, [str(u) for u in event.data["userIds"]], str(event.data["type"]), event.data["data"]
    )


@subscriber.on("user.logout")
def logout(event: ServiceEvent) -> None:
    tenant_id = _tenant(event)
    if tenant_id:
        push.end_sessions(tenant_id, str(event.data["userId"]), session_id=str(event.data["sessionId"]))


@subscriber.on("user.suspended", "user.deleted")
def user_gone(event: ServiceEvent) -> None:
    tenant_id = _tenant(event)
    if tenant_id:
        push.end_sessions(tenant_id, str(event.data["userId"]))


@subscriber.on("tenant.suspended")
def tenant_suspended(event: ServiceEvent) -> None:
    tenant_id = _tenant(event)
    if tenant_id:
        push.end_sessions(tenant_id)


@subscriber.on("tenant.deleting")
def tenant_deleting(event: ServiceEvent) -> None:
    """Offboarding: close the tenant's connections, then purge its rows (shared.tenant_purge)."""
    tenant_id = event.data.get("tenantId")
    if tenant_id:
        push.end_sessions(str(tenant_id))
    on_deleting(event, service="realtime", table="realtime")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return subscriber.handle(event, context)
