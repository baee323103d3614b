"""One message to its recipients on every channel they allow, each delivery exactly once.

A delivery is one (message key, channel, recipient): its record is claimed before the provider is called
(a conditional put), so a redelivered event or a repeated alert never sends what was already sent. A
provider failure marks that delivery `failed` and, once every other delivery has been tried, raises: the
event comes back, and its retry sends only what failed. The in-app item is written in one transaction
with its delivery record, so it exists once or not at all.

A claim left `sending` by an invocation that died is taken over after `store.STALE_CLAIM_SECONDS`: that
invocation may have sent just before dying, so the rare outcome is a duplicate, never a lost message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from functions.notification import ports
from functions.notification.notification_ids import new_notification_id
from functions.notification.ports import Delivery, InboxRecord, ProviderError
from functions.notification.recipients import Recipient
from functions.notification.templates import Rendered
from shared import observability
from shared.errors import ServiceUnavailable
from shared.events import publisher

logger = observability.logger("notification")

CHANNELS = ("email", "sms", "inApp")
DEFAULT_PREFERENCES = {"email": True, "sms": False, "inApp": True}


class DeliveryFailed(ServiceUnavailable):
    """Some deliveries failed (and are recorded `failed`); retrying sends only those."""


@dataclass
class Outcome:
    delivered: int = 0  # deliveries that are `sent`, now or by an earlier attempt
    failed: list[str] = field(default_factory=list)


def preferences(tenant_id: str, user_id: str) -> dict[str, bool]:
    stored = ports.store().preferences(tenant_id, user_id)
    return {name: bool(stored.get(name, default)) for name, default in DEFAULT_PREFERENCES.items()}


def deliver(tenant_id: str, key: str, message: Rendered, recipients: Iterable[Recipient]) -> Outcome:
    """Send `message` (deliveries recorded under `key`: an event id, an alert's key) to `recipients`.
    Raises `DeliveryFailed` after trying everything when any delivery failed."""
    store = ports.store()
    outcome = Outcome()
    for recipient in _unique(recipients):
        allowed = preferences(tenant_id, recipient.user_id) if recipient.user_id else {"email": True}
        for channel in CHANNELS:
            if channel not in allowed:
                continue  # a bare address has an email and nothing else
            delivery = Delivery(tenant_id, key, f"{channel}#{recipient.target}")
            reason = _why_not(channel, recipient, allowed)
            if reason:
                store.record_skipped(delivery, template=message.template, reason=reason)
                continue
            try:
                status = _send(channel, delivery, recipient, message)
            except ProviderError as exc:
                logger.warning("delivery failed", channel=channel, target=recipient.target, error=str(exc))
                store.finish(delivery, status="failed", error=str(exc)[:500])
                outcome.failed.append(delivery.target)
                continue
            outcome.delivered += status == "sent"
    if outcome.failed:
        raise DeliveryFailed(f"{len(outcome.failed)} deliveries failed", details={"failed": outcome.failed})
    logger.info("message delivered", template=message.template, delivered=outcome.delivered)
    return outcome


def _unique(recipients: Iterable[Recipient]) -> list[Recipient]:
    """Each user once, and a bare address only when no user recipient already has it."""
    users: dict[str, Recipient] = {}
    addresses: dict[str, Recipient] = {}
    for r in recipients:
        if r.user_id:
            users.setdefault(r.user_id, r)
        elif r.email:
            addresses.setdefault(r.email.lower(), r)
    known = {r.email.lower() for r in users.values() if r.email}
    return [*users.values(), *(r for email, r in addresses.items() if email not in known)]


def _why_not(channel: str, recipient: Recipient, allowed: dict[str, bool]) -> str | None:
    if not allowed.get(channel):
        return "preference"
    if channel == "email" and not recipient.email:
        return "no email"
    if channel == "sms" and not recipient.phone:
        return "no phone"
    return None


def _send(channel: str, delivery: Delivery, recipient: Recipient, message: Rendered) -> str:
    """Deliver on one channel unless already done; → the delivery's status afterwards."""
    if channel == "inApp":
        return _send_in_app(delivery, recipient, message)
    if not ports.store().claim(delivery, template=message.template):
        return _status(delivery)
    if channel == "email":
        provider_id = ports.providers().send_email(str(recipient.email), message.subject, message.body)
    else:
        provider_id = ports.providers().send_sms(str(recipient.phone), message.sms)
    ports.store().finish(delivery, status="sent", provider_id=provider_id)
    return "sent"


def _send_in_app(delivery: Delivery, recipient: Recipient, message: Rendered) -> str:
    assert recipient.user_id
    notification_id, created_at = new_notification_id()
    entry = InboxRecord(
        notification_id=notification_id,
        type=message.template,
        title=message.subject,
        body=message.body,
        created_at=created_at,
        event_id=delivery.key,
    )
    # Announced with the item (staged in its transaction): the realtime service pushes it.
    created = publisher.build(
        "notification.created",
        {
            "userId": recipient.user_id,
            "notificationId": entry.notification_id,
            "type": entry.type,
            "title": entry.title,
            "body": entry.body,
            "createdAt": entry.created_at,
            "read": False,
        },
        source="notification",
        tenant_id=delivery.tenant_id,
        user_id=recipient.user_id,
    )
    added = ports.inbox().add(
        delivery.tenant_id,
        recipient.user_id,
        entry,
        delivery=delivery,
        template=message.template,
        events=[created],
    )
    if added:
        ports.outbox().release(created)
        return "sent"
    return _status(delivery)


def _status(delivery: Delivery) -> str:
    record = ports.store().delivery(delivery)
    return record.status if record else "unknown"
