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

from functions.notification import channels, inbox_store, store
from functions.notification.channels import ProviderError
from functions.notification.recipients import Recipient
from functions.notification.templates import Rendered
from shared import observability, outbox
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
    stored = store.get_preferences(tenant_id, user_id)
    return {name: bool(stored.get(name, default)) for name, default in DEFAULT_PREFERENCES.items()}


def deliver(tenant_id: str, key: str, message: Rendered, recipients: Iterable[Recipient]) -> Outcome:
    """Send `message` (deliveries recorded under `key`: an event id, an alert's key) to `recipients`.
    Raises `DeliveryFailed` after trying everything when any delivery failed."""
    pk = store.delivery_pk(tenant_id, key)
    outcome = Outcome()
    for recipient in _unique(recipients):
        allowed = preferences(tenant_id, recipient.user_id) if recipient.user_id else {"email": True}
        for channel in CHANNELS:
            if channel not in allowed:
                continue  # a bare address has an email and nothing else
            sk = f"{channel}#{recipient.target}"
            reason = _why_not(channel, recipient, allowed)
            if reason:
                store.record_skipped(pk, sk, template=message.template, reason=reason)
                continue
            try:
                status = _send(channel, tenant_id, pk, sk, recipient, message, key)
            except ProviderError as exc:
                logger.warning("delivery failed", channel=channel, target=recipient.target, error=str(exc))
                store.finish(pk, sk, status="failed", error=str(exc)[:500])
                outcome.failed.append(sk)
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


def _send(
    channel: str, tenant_id: str, pk: str, sk: str, recipient: Recipient, message: Rendered, key: str
) -> str:
    """Deliver on one channel unless already done; → the delivery's status afterwards."""
    if channel == "inApp":
        assert recipient.user_id
        notification_id, created_at = inbox_store.new_notification_id()
        entry = {
            "notificationId": notification_id,
            "type": message.template,
            "title": message.subject,
            "body": message.body,
            "createdAt": created_at,
            "eventId": key,
        }
        # Announced with the item (staged in its transaction): the realtime service pushes it.
        created = publisher.build(
            "notification.created",
            {
                "userId": recipient.user_id,
                **{k: v for k, v in entry.items() if k != "eventId"},
                "read": False,
            },
            source="notification",
            tenant_id=tenant_id,
            user_id=recipient.user_id,
        )
        if inbox_store.add_to_inbox(
            tenant_id,
            recipient.user_id,
            entry,
            delivery=(pk, sk),
            template=message.template,
            events=[created],
        ):
            outbox.release(created)
            return "sent"
        return _status(pk, sk)
    if not store.claim(pk, sk, template=message.template):
        return _status(pk, sk)
    if channel == "email":
        provider_id = channels.send_email(str(recipient.email), message.subject, message.body)
    else:
        provider_id = channels.send_sms(str(recipient.phone), message.sms)
    store.finish(pk, sk, status="sent", provider_id=provider_id)
    return "sent"


def _status(pk: str, sk: str) -> str:
    record = store.get_delivery(pk, sk) or {}
    return str(record.get("status", "unknown"))
