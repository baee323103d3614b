"""The internal routes of notification as typed calls (`NotificationClient`), with their request and
response models.

Other services call notification only through this module. It imports nothing of notification but its
manifest and models (no handler, no store), so a caller's cold start does not load notification's code."""

from __future__ import annotations

from functions.notification.inbox_models import InboxAdded, InboxRequest
from functions.notification.listing_models import InboxListing
from functions.notification.manifest import SERVICE
from functions.notification.message_models import MessageRequest, MessageSent
from functions.notification.models import (
    AlertRequest,
    AlertResult,
)
from shared.tenant_export import TenantExportPage, TenantExportRequest
from shared.typed_client import TypedClient

__all__ = [
    "AlertRequest",
    "AlertResult",
    "InboxAdded",
    "InboxListing",
    "InboxRequest",
    "MessageRequest",
    "MessageSent",
    "NotificationClient",
]


class NotificationClient(TypedClient):
    """One method per internal route of functions/notification/manifest.py, named after its function."""

    callee = SERVICE

    def inbox_internal(
        self, *, unread: bool = False, page_size: int = 20, cursor: str | None = None
    ) -> InboxListing:
        """`GET /internal/notifications`: the in-app notifications of the user a service acts for,
        newest first.

        Handled by functions/notification/inbox_internal.py."""
        query = {"unread": unread, "pageSize": page_size, "cursor": cursor}
        return self._send("inbox-internal", InboxListing, query=query)

    def inbox_add(self, body: InboxRequest) -> InboxAdded:
        """`POST /internal/notifications/inbox`: one in-app notification for a user, asked for by another
        service (an app's alert).

        Handled by functions/notification/inbox_add.py."""
        return self._send("inbox-add", InboxAdded, body)

    def alerts_send(self, body: AlertRequest) -> AlertResult:
        """`POST /internal/alerts/send`: seed 000 scenario 4: alert the platform admins (and given
        addresses).

        Handled by functions/notification/alerts_send.py."""
        return self._send("alerts-send", AlertResult, body)

    def messages_send(self, body: MessageRequest) -> MessageSent:
        """`POST /internal/messages/send`: one account-link email (verify, reset, invitation) to one
        address, once per key.

        Handled by functions/notification/messages_send.py."""
        return self._send("messages-send", MessageSent, body)

    def tenant_export(self, body: TenantExportRequest) -> TenantExportPage:
        """`POST /internal/notifications/tenant-export`: given users' inboxes and preferences for their
        tenant's export (offboarding).

        Handled by functions/notification/tenant_export.py."""
        return self._send("tenant-export", TenantExportPage, body)
