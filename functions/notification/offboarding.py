"""Tenant offboarding on the notification side: each given user's in-app inbox and channel preferences for
the export archive (the exporter pages through the users first and hands their ids over, since a user's
notifications live in that user's partitions), and the purge of every notification item of a deleted
tenant (inboxes, counters, preferences, recipients, admin list, delivery records)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from functions.notification import ports
from functions.notification.manifest import SERVICE
from shared.events.model import ServiceEvent
from shared.tenant_export import TenantExportPage, TenantExportRequest
from shared.tenant_purge import on_deleting

_PAGE = 100
_MAX_PAGES = 50  # at most 5,000 inbox items per user in an export


def export_page(body: TenantExportRequest) -> TenantExportPage:
    items: list[dict[str, Any]] = []
    for user_id in body.user_ids or []:
        inbox: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            found, cursor = ports.inbox().page(
                body.tenant_id, user_id, unread=False, page_size=_PAGE, cursor=cursor
            )
            inbox += [_public(item) for item in found]
            if cursor is None:
                break
        preferences = ports.store().preferences(body.tenant_id, user_id)
        items.append({"userId": user_id, "preferences": preferences, "inbox": inbox})
    return TenantExportPage(items=items, next_cursor=None)


def _public(item: ports.InboxRecord) -> dict[str, Any]:
    """The item as the inbox stores it, camelCase (the event id only when it has one)."""
    named = {
        "notificationId": "notification_id",
        "type": "type",
        "title": "title",
        "body": "body",
        "createdAt": "created_at",
        "read": "read",
        "eventId": "event_id",
    }
    fields = asdict(item)
    return {wire: fields[name] for wire, name in named.items() if fields[name] is not None}


def purge(event: ServiceEvent) -> None:
    on_deleting(event, service="notification", table=tuple(t.name for t in SERVICE.tables))
