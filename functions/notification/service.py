"""The caller's inbox and channel preferences (user routes), and the operators' alerts (internal).

User routes act for the caller in the caller's tenant, both taken from the verified token and nothing
else: another user's notification id is simply not found.
"""

from __future__ import annotations

from functions.notification import dispatch, messages, notification_ids, ports
from functions.notification.models import AlertRequest, AlertResult, InboxEntry, Preferences, PreferencesPatch
from shared import permissions
from shared.context import UserContext, require
from shared.envelopes import Page
from shared.errors import NotFound

_FIELDS = {"email": "email", "sms": "sms", "in_app": "inApp"}


def caller() -> UserContext:
    return require().require_user()


def inbox(*, unread: bool, page_size: int, cursor: str | None) -> Page[InboxEntry]:
    user = caller()
    permissions.require(user, "notification.read")
    items, next_cursor = ports.inbox().page(
        user.tenant_id, user.user_id, unread=unread, page_size=page_size, cursor=cursor
    )
    total, unread_count = ports.inbox().counts(user.tenant_id, user.user_id)
    entries = [
        InboxEntry(
            notification_id=i.notification_id,
            type=i.type,
            title=i.title,
            body=i.body,
            read=i.read,
            created_at=i.created_at,
        )
        for i in items
    ]
    return Page[InboxEntry].of(
        entries,
        total=unread_count if unread else total,
        page_size=page_size,
        cursor=cursor,
        next_cursor=next_cursor,
    )


def mark_read(notification_id: str) -> None:
    user = caller()
    permissions.require(user, "notification.read")
    created_at = notification_ids.created_at(notification_id)
    if created_at is None or not ports.inbox().mark_read(
        user.tenant_id, user.user_id, notification_id, created_at
    ):
        raise NotFound("No such notification", details={"notificationId": notification_id})


def get_preferences() -> Preferences:
    user = caller()
    return Preferences.model_validate(dispatch.preferences(user.tenant_id, user.user_id))


def put_preferences(patch: PreferencesPatch) -> Preferences:
    user = caller()
    changes = {_FIELDS[name]: bool(getattr(patch, name)) for name in patch.model_fields_set}
    ports.store().set_preferences(user.tenant_id, user.user_id, changes)
    return get_preferences()


def send_alert(alert: AlertRequest) -> AlertResult:
    return AlertResult(delivered=messages.send_alert(alert))
