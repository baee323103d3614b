"""What the notification domain (dispatch, recipients, overrides, the user routes, offboarding) needs from
outside: its store (`NotificationStore`: preferences, the recipient projection, deliveries, template
overrides), the inbox (`InboxStore`), the providers (`Providers`: SES and SNS) and the outbox. The
adapters are `functions.notification.store`, `inbox_store` (DynamoDB) and `channels` (SES/SNS); unit tests
put the in-memory fakes of `tests/unit/functions/notification/fakes.py` in their place (shared.ports)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from shared.events.model import ServiceEvent
from shared.ports import EventOutbox, Port, kernel_outbox


class ProviderError(Exception):
    """SES or SNS refused or could not be reached; the delivery is retried."""


# The recipient attributes the projection keeps (and may drop).
RecipientField = Literal["email", "phone", "name", "admin"]


@dataclass(frozen=True)
class RecipientRecord:
    """A user as the projection knows them; an admin-list entry carries only the contact (name None)."""

    user_id: str
    email: str | None = None
    phone: str | None = None
    name: str | None = None
    admin: bool = False


@dataclass(frozen=True)
class DeliveryRecord:
    """One delivery (message key, `<channel>#<target>`): `sending`, `sent`, `failed` or `skipped`."""

    status: str
    template: str
    provider_id: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class TemplateOverride:
    """A tenant's own subject and body for one template."""

    subject: str
    body: str
    updated_at: str
    updated_by: str


@dataclass(frozen=True)
class InboxRecord:
    """An in-app item. `event_id` is the key of the delivery that made it."""

    notification_id: str
    type: str
    title: str
    body: str
    created_at: str
    read: bool = False
    event_id: str | None = None


@dataclass(frozen=True)
class Delivery:
    """Where a delivery's record lives: the message key (an event id, an alert's key) and the
    `<channel>#<target>` it names."""

    tenant_id: str
    key: str
    target: str


class NotificationStore(Protocol):
    """Every change that must happen once (a claim, a skip record) is a condition the store has evaluated,
    never a read followed by a write."""

    # --- preferences: only the channels ever set are stored --------------------------------------------
    def preferences(self, tenant_id: str, user_id: str) -> dict[str, bool]: ...

    def set_preferences(self, tenant_id: str, user_id: str, changes: Mapping[str, bool]) -> None: ...

    def delete_preferences(self, tenant_id: str, user_id: str) -> None: ...

    # --- the recipient projection and the tenants' admin lists -----------------------------------------
    def recipient(self, tenant_id: str, user_id: str) -> RecipientRecord | None: ...

    def update_recipient(
        self,
        tenant_id: str,
        user_id: str,
        *,
        put: Mapping[RecipientField, str | bool],
        drop: Sequence[RecipientField] = (),
    ) -> RecipientRecord:
        """Upsert (SET `put`, REMOVE `drop`); the recipient after it."""
        ...

    def delete_recipient(self, tenant_id: str, user_id: str) -> None: ...

    def put_admin(self, tenant_id: str, user_id: str, *, email: str, phone: str | None) -> None: ...

    def delete_admin(self, tenant_id: str, user_id: str) -> None: ...

    def admins(self, tenant_id: str) -> list[RecipientRecord]: ...

    # --- deliveries ------------------------------------------------------------------------------------
    def delivery(self, delivery: Delivery) -> DeliveryRecord | None: ...

    def record_skipped(self, delivery: Delivery, *, template: str, reason: str) -> None:
        """Unless that delivery already has a record."""
        ...

    def claim(self, delivery: Delivery, *, template: str) -> bool:
        """True only for the one caller that may send now: a new delivery, a failed one, or a claim older
        than the stale-claim delay; never a sent one."""
        ...

    def finish(
        self, delivery: Delivery, *, status: str, provider_id: str | None = None, error: str | None = None
    ) -> None: ...

    # --- tenants' template overrides -------------------------------------------------------------------
    def template_override(self, tenant_id: str, name: str) -> TemplateOverride | None: ...

    def put_template_override(self, tenant_id: str, name: str, override: TemplateOverride) -> None: ...


class InboxStore(Protocol):
    """The items and each user's counters (total, unread), changed only together."""

    def add(
        self,
        tenant_id: str,
        user_id: str,
        entry: InboxRecord,
        *,
        delivery: Delivery,
        template: str,
        events: Sequence[ServiceEvent] = (),
    ) -> bool:
        """Item, counts, its `sent` delivery record and the events' outbox entries, all or nothing: False
        (nothing written) when that delivery already happened."""
        ...

    def counts(self, tenant_id: str, user_id: str) -> tuple[int, int]: ...

    def mark_read(self, tenant_id: str, user_id: str, notification_id: str, created_at: str) -> bool:
        """Read, once (the unread count moves once); False when the user has no such item."""
        ...

    def page(
        self, tenant_id: str, user_id: str, *, unread: bool, page_size: int, cursor: str | None
    ) -> tuple[list[InboxRecord], str | None]:
        """Newest first; a cursor of another user's inbox (or the other view) is an InvalidRequest."""
        ...


class Providers(Protocol):
    """SES and SNS: each returns the provider's message id or raises `ProviderError`."""

    def send_email(self, to: str, subject: str, body: str) -> str: ...

    def send_sms(self, phone: str, text: str) -> str: ...


def _dynamodb() -> NotificationStore:
    # Imported on first use (pynamodb loads only where the store is used); mypy checks the module fits.
    from functions.notification import store as dynamodb

    return dynamodb


def _inbox() -> InboxStore:
    from functions.notification import inbox_store as dynamodb

    return dynamodb


def _providers() -> Providers:
    from functions.notification import channels as aws

    return aws


store: Port[NotificationStore] = Port(_dynamodb)
inbox: Port[InboxStore] = Port(_inbox)
providers: Port[Providers] = Port(_providers)
outbox: Port[EventOutbox] = Port(kernel_outbox)
