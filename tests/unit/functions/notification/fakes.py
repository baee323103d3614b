"""The notification store, inbox and providers in memory (`ports.NotificationStore`, `ports.InboxStore`,
`ports.Providers`): the conditions the DynamoDB store has DynamoDB evaluate are evaluated here on the same
terms, one call at a time (a lock stands in for DynamoDB's per-request atomicity)."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from functions.notification.ports import (
    Delivery,
    DeliveryRecord,
    InboxRecord,
    ProviderError,
    RecipientField,
    RecipientRecord,
    TemplateOverride,
)
from shared.config import settings
from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox

STALE_CLAIM_SECONDS = 120  # as functions/notification/store.py


@dataclass
class _Delivery:
    record: DeliveryRecord
    claimed_at: int | None = None


class FakeNotificationStore:
    def __init__(self) -> None:
        self.preferences_of: dict[tuple[str, str], dict[str, bool]] = {}
        self.recipients: dict[tuple[str, str], RecipientRecord] = {}
        self.admin_lists: dict[str, dict[str, RecipientRecord]] = {}
        self.deliveries: dict[Delivery, _Delivery] = {}
        self.overrides: dict[tuple[str, str], TemplateOverride] = {}
        self._lock = threading.Lock()

    # --- preferences ---------------------------------------------------------------------------------
    def preferences(self, tenant_id: str, user_id: str) -> dict[str, bool]:
        return dict(self.preferences_of.get((tenant_id, user_id), {}))

    def set_preferences(self, tenant_id: str, user_id: str, changes: Mapping[str, bool]) -> None:
        with self._lock:
            if changes:
                self.preferences_of.setdefault((tenant_id, user_id), {}).update(changes)

    def delete_preferences(self, tenant_id: str, user_id: str) -> None:
        self.preferences_of.pop((tenant_id, user_id), None)

    # --- recipients ------------------------------------------------------------------------------------
    def recipient(self, tenant_id: str, user_id: str) -> RecipientRecord | None:
        return self.recipients.get((tenant_id, user_id))

    def update_recipient(
        self,
        tenant_id: str,
        user_id: str,
        *,
        put: Mapping[RecipientField, str | bool],
        drop: Sequence[RecipientField] = (),
    ) -> RecipientRecord:
        with self._lock:
            if not put and not drop:
                return self.recipients.get((tenant_id, user_id)) or RecipientRecord(user_id)
            current = self.recipients.get((tenant_id, user_id)) or RecipientRecord(user_id)
            changes: dict[str, str | bool | None] = {name: None for name in drop}
            changes.update({str(name): value for name, value in put.items()})
            if "admin" in changes:
                changes["admin"] = bool(changes["admin"])
            after = replace(current, **changes)  # type: ignore[arg-type]
            self.recipients[tenant_id, user_id] = after
            return after

    def delete_recipient(self, tenant_id: str, user_id: str) -> None:
        self.recipients.pop((tenant_id, user_id), None)

    def put_admin(self, tenant_id: str, user_id: str, *, email: str, phone: str | None) -> None:
        self.admin_lists.setdefault(tenant_id, {})[user_id] = RecipientRecord(user_id, email, phone)

    def delete_admin(self, tenant_id: str, user_id: str) -> None:
        self.admin_lists.get(tenant_id, {}).pop(user_id, None)

    def admins(self, tenant_id: str) -> list[RecipientRecord]:
        return [admin for _, admin in sorted(self.admin_lists.get(tenant_id, {}).items())]

    # --- deliveries ------------------------------------------------------------------------------------
    def delivery(self, delivery: Delivery) -> DeliveryRecord | None:
        held = self.deliveries.get(delivery)
        return held.record if held else None

    def record_skipped(self, delivery: Delivery, *, template: str, reason: str) -> None:
        with self._lock:
            self.deliveries.setdefault(delivery, _Delivery(DeliveryRecord("skipped", template, error=reason)))

    def claim(self, delivery: Delivery, *, template: str) -> bool:
        now = int(time.time())
        with self._lock:
            held = self.deliveries.get(delivery)
            stale = (
                held is not None
                and held.record.status == "sending"
                and held.claimed_at is not None
                and held.claimed_at < now - STALE_CLAIM_SECONDS
            )
            if held is None or held.record.status == "failed" or stale:
                self.deliveries[delivery] = _Delivery(DeliveryRecord("sending", template), claimed_at=now)
                return True
            return False

    def finish(
        self, delivery: Delivery, *, status: str, provider_id: str | None = None, error: str | None = None
    ) -> None:
        with self._lock:
            held = self.deliveries.get(delivery) or _Delivery(DeliveryRecord(status, ""))
            record = replace(
                held.record,
                status=status,
                provider_id=provider_id if provider_id is not None else held.record.provider_id,
                error=error if error is not None else held.record.error,
            )
            self.deliveries[delivery] = _Delivery(record)

    # --- template overrides ----------------------------------------------------------------------------
    def template_override(self, tenant_id: str, name: str) -> TemplateOverride | None:
        return self.overrides.get((tenant_id, name))

    def put_template_override(self, tenant_id: str, name: str, override: TemplateOverride) -> None:
        self.overrides[tenant_id, name] = override


class FakeInbox:
    """Items by user, newest first; the delivery records it writes are the store's (one table)."""

    def __init__(self, store: FakeNotificationStore, outbox: InMemoryOutbox) -> None:
        self.store = store
        self.outbox = outbox
        self.items: dict[tuple[str, str], dict[str, InboxRecord]] = {}
        self._lock = threading.Lock()

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
        with self._lock:
            inbox = self.items.setdefault((tenant_id, user_id), {})
            sk = f"{entry.created_at}#{entry.notification_id}"
            if sk in inbox or delivery in self.store.deliveries:
                return False
            inbox[sk] = replace(entry, read=False)
            record = DeliveryRecord("sent", template, provider_id=entry.notification_id)
            self.store.deliveries[delivery] = _Delivery(record)
            self.outbox.stage(*events)
            return True

    def counts(self, tenant_id: str, user_id: str) -> tuple[int, int]:
        inbox = self.items.get((tenant_id, user_id), {})
        return len(inbox), sum(not item.read for item in inbox.values())

    def mark_read(self, tenant_id: str, user_id: str, notification_id: str, created_at: str) -> bool:
        with self._lock:
            inbox = self.items.get((tenant_id, user_id), {})
            sk = f"{created_at}#{notification_id}"
            if sk not in inbox:
                return False
            inbox[sk] = replace(inbox[sk], read=True)
            return True

    def page(
        self, tenant_id: str, user_id: str, *, unread: bool, page_size: int, cursor: str | None
    ) -> tuple[list[InboxRecord], str | None]:
        view = f"{tenant_id}/{user_id}/{'unread' if unread else 'all'}"
        start, page = Cursor.decode(cursor)
        if start is not None and (start.get("view") != view or not isinstance(start.get("after"), str)):
            raise InvalidRequest("The cursor is not valid", field="cursor")
        inbox = self.items.get((tenant_id, user_id), {})
        keys = sorted((sk for sk, item in inbox.items() if not (unread and item.read)), reverse=True)
        if start is not None:
            keys = [sk for sk in keys if sk < start["after"]]
        chosen = keys[:page_size]
        more = len(keys) > page_size
        next_cursor = Cursor.encode({"view": view, "after": chosen[-1]}, page=page + 1) if more else None
        return [inbox[sk] for sk in chosen], next_cursor


@dataclass(frozen=True)
class Mail:
    to: list[str]
    subject: str
    body: str
    sender: str


class FakeProviders:
    """SES and SNS as the dispatcher sees them: what was sent, and addresses they refuse (a throttle)."""

    def __init__(self) -> None:
        self.mail: list[Mail] = []
        self.sms: list[tuple[str, str]] = []
        self.refused: set[str] = set()

    def send_email(self, to: str, subject: str, body: str) -> str:
        if to in self.refused:
            raise ProviderError("SES: Throttling")
        self.mail.append(Mail([to], subject, body, settings().mail_from))
        return f"ses-{len(self.mail)}"

    def send_sms(self, phone: str, text: str) -> str:
        if phone in self.refused:
            raise ProviderError("SNS: Throttling")
        self.sms.append((phone, text))
        return f"sns-{len(self.sms)}"
