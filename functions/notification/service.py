"""The caller's inbox and channel preferences (user routes), and the operators' alerts (internal).

User routes act for the caller in the caller's tenant, both taken from the verified token and nothing
else: another user's notification id is simply not found.
"""

from __future__ import annotations

from functions.notification import dispatch, inbox_store, messages, store
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
    items, next_cursor = inbox_store.inbox_page(
        user.tenant_id, user.user_id, unread=unread, page_size=page_size, cursor=cursor
    )
    total, unread_count = inbox_store.counts(user.tenant_id, user.user_id)
    entries = [InboxEntry.model_validate(item) for item in items]
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
    sk = inbox_store.inbox_sk(notification_id)
    if sk is None or not inbox_store.mark_read(user.tenant_id, user.user_id, sk):
        raise NotFound("No such notification", details={"notificationId": notification_id})


def get_preferences() -> Preferences:
    user = caller()
    return Preferences.model_validate(dispatch.preferences(user.tenant_id, user.user_id))


def put_preferences(patch: PreferencesPatch) -> Preferences:
    user = caller()
    changes = {_FIELDS[name]: bool(getattr(patch, name)) for name in patch.model_fields_set}
    store.set_preferences(user.tenant_id, user.user_id, changes)
    return get_preferences()


def send_alert(alert: AlertRequest) -> AlertResult:
    return AlertResult(delivered=messages.send_alert(alert))
