"""The `notifications` table, the DynamoDB side of `ports.NotificationStore` (the inbox is
`inbox_store`'s, `ports.InboxStore`). Every read and write goes through the pynamodb models below.

Items (docs/platform-services.md): per user `TENANT#t#USER#u` holds `PREFERENCES` and `RECIPIENT`;
`TENANT#t#ADMINS` / `USER#u` lists a tenant's admins; `TENANT#t#DELIVERY#<key>` / `<channel>#<target>`
records each send; `TENANT#t#TEMPLATES` / `TEMPLATE#<name>` holds a tenant's wording. Every change that
must happen once (a claim, a skip record) is a condition DynamoDB evaluates, never a read followed by a
write.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from pynamodb.attributes import Attribute, BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action

from functions.notification.ports import (
    Delivery,
    DeliveryRecord,
    RecipientField,
    RecipientRecord,
    TemplateOverride,
)
from shared.tables import Item, table_meta, tenant_key
from shared.transactions import conditionally

TABLE = "notifications"
# Delivery records outlive any redelivery (the subscriber remembers event ids for 14 days).
DELIVERY_TTL_SECONDS = 30 * 24 * 3600
# A `sending` claim older than this belongs to an invocation that died (functions time out at 30 s).
STALE_CLAIM_SECONDS = 120
ADMIN_PREFIX = "USER#"


# --- keys (inbox_store uses them too) ----------------------------------------------------------------------
def user_pk(tenant_id: str, user_id: str) -> str:
    return tenant_key(tenant_id, "USER", user_id)


def admins_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "ADMINS")


def delivery_pk(tenant_id: str, delivery_key: str) -> str:
    return tenant_key(tenant_id, "DELIVERY", delivery_key)


def templates_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "TEMPLATES")


# --- the models --------------------------------------------------------------------------------------------
class PreferencesItem(Item):
    """`PREFERENCES`: only the channels the user ever set."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    email = BooleanAttribute(null=True)
    sms = BooleanAttribute(null=True)
    in_app = BooleanAttribute(null=True, attr_name="inApp")

    def channels(self) -> dict[str, bool]:
        given = {"email": self.email, "sms": self.sms, "inApp": self.in_app}
        return {name: value for name, value in given.items() if value is not None}


class RecipientItem(Item):
    """`RECIPIENT` of a user, and (`TENANT#t#ADMINS` / `USER#u`) an admin-list entry: the same contact."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]

    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    admin = BooleanAttribute(null=True)

    def record(self, user_id: str) -> RecipientRecord:
        return RecipientRecord(user_id, self.email, self.phone, self.name, bool(self.admin))


class DeliveryItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]

    status = UnicodeAttribute()
    template = UnicodeAttribute()
    at = NumberAttribute()
    provider_id = UnicodeAttribute(null=True, attr_name="providerId")
    error = UnicodeAttribute(null=True)
    claimed_at = NumberAttribute(null=True, attr_name="claimedAt")

    def record(self) -> DeliveryRecord:
        return DeliveryRecord(self.status, self.template, self.provider_id, self.error)


class TemplateItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]

    subject = UnicodeAttribute()
    body = UnicodeAttribute()
    updated_at = UnicodeAttribute(attr_name="updatedAt")
    updated_by = UnicodeAttribute(attr_name="updatedBy")


def delivery_item(
    delivery: Delivery,
    status: str,
    template: str,
    *,
    provider_id: str | None = None,
    error: str | None = None,
    claimed_at: int | None = None,
) -> DeliveryItem:
    """A new delivery record (with its expiry); inbox_store writes the in-app one in its transaction."""
    now = int(time.time())
    return DeliveryItem(
        delivery_pk(delivery.tenant_id, delivery.key),
        delivery.target,
        status=status,
        template=template,
        at=now,
        expires_at=now + DELIVERY_TTL_SECONDS,
        provider_id=provider_id,
        error=error,
        claimed_at=claimed_at,
    )


# --- preferences -------------------------------------------------------------------------------------
_CHANNELS: dict[str, Attribute[bool]] = {
    "email": PreferencesItem.email,
    "sms": PreferencesItem.sms,
    "inApp": PreferencesItem.in_app,
}


def preferences(tenant_id: str, user_id: str) -> dict[str, bool]:
    item = PreferencesItem.get_live(user_pk(tenant_id, user_id), "PREFERENCES")
    return item.channels() if item else {}


def set_preferences(tenant_id: str, user_id: str, changes: Mapping[str, bool]) -> None:
    """SET only the given channels (one UpdateItem: two racing changes of different channels both stick)."""
    if changes:
        actions: list[Action] = [_CHANNELS[name].set(value) for name, value in changes.items()]
        PreferencesItem(user_pk(tenant_id, user_id), "PREFERENCES").update(actions=actions)


def delete_preferences(tenant_id: str, user_id: str) -> None:
    PreferencesItem(user_pk(tenant_id, user_id), "PREFERENCES").delete()


# --- the recipient projection ------------------------------------------------------------------------
_RECIPIENT: dict[RecipientField, Attribute[str] | Attribute[bool]] = {
    "email": RecipientItem.email,
    "phone": RecipientItem.phone,
    "name": RecipientItem.name,
    "admin": RecipientItem.admin,
}


def recipient(tenant_id: str, user_id: str) -> RecipientRecord | None:
    item = RecipientItem.get_live(user_pk(tenant_id, user_id), "RECIPIENT")
    return item.record(user_id) if item else None


def update_recipient(
    tenant_id: str,
    user_id: str,
    *,
    put: Mapping[RecipientField, str | bool],
    drop: Sequence[RecipientField] = (),
) -> RecipientRecord:
    """Upsert: SET `put`, REMOVE `drop`; the recipient after it. An upsert, so that a role change
    projected before the user's creation is kept, and the creation completes the item."""
    actions: list[Action] = [_RECIPIENT[name].set(value) for name, value in put.items()]  # type: ignore[arg-type]
    actions += [_RECIPIENT[name].remove() for name in drop]
    if not actions:
        return recipient(tenant_id, user_id) or RecipientRecord(user_id)
    item = RecipientItem(user_pk(tenant_id, user_id), "RECIPIENT")
    item.update(actions=actions)  # ALL_NEW: the item holds what the table holds after it
    return item.record(user_id)


def delete_recipient(tenant_id: str, user_id: str) -> None:
    RecipientItem(user_pk(tenant_id, user_id), "RECIPIENT").delete()


def put_admin(tenant_id: str, user_id: str, *, email: str, phone: str | None) -> None:
    RecipientItem(admins_pk(tenant_id), f"{ADMIN_PREFIX}{user_id}", email=email, phone=phone).save()


def delete_admin(tenant_id: str, user_id: str) -> None:
    RecipientItem(admins_pk(tenant_id), f"{ADMIN_PREFIX}{user_id}").delete()


def admins(tenant_id: str) -> list[RecipientRecord]:
    """Every admin of the tenant: one partition, a handful of items, paged through by pynamodb."""
    found = RecipientItem.query(admins_pk(tenant_id), consistent_read=True)
    return [item.record(item.sk.removeprefix(ADMIN_PREFIX)) for item in found]


# --- deliveries --------------------------------------------------------------------------------------
def delivery(delivery: Delivery) -> DeliveryRecord | None:
    item = DeliveryItem.get_live(delivery_pk(delivery.tenant_id, delivery.key), delivery.target)
    return item.record() if item else None


def record_skipped(delivery: Delivery, *, template: str, reason: str) -> None:
    """Record a channel the recipient did not get, unless that delivery already has a record."""
    item = delivery_item(delivery, "skipped", template, error=reason)
    conditionally(lambda: item.save(condition=DeliveryItem.pk.does_not_exist()))


def claim(delivery: Delivery, *, template: str) -> bool:
    """Take the right to send one delivery: True only for the one invocation that may send now. A failed
    delivery (or a claim its dead invocation left behind) may be claimed again; a sent one never."""
    now = int(time.time())
    item = delivery_item(delivery, "sending", template, claimed_at=now)
    free = (
        DeliveryItem.pk.does_not_exist()
        | (DeliveryItem.status == "failed")
        | ((DeliveryItem.status == "sending") & (DeliveryItem.claimed_at < now - STALE_CLAIM_SECONDS))
    )
    return conditionally(lambda: item.save(condition=free))


def finish(
    delivery: Delivery, *, status: str, provider_id: str | None = None, error: str | None = None
) -> None:
    """Record how a claimed delivery ended (`sent` with the provider's id, or `failed` with why)."""
    actions: list[Action] = [
        DeliveryItem.status.set(status),
        DeliveryItem.at.set(int(time.time())),
        DeliveryItem.claimed_at.remove(),
    ]
    if provider_id is not None:
        actions.append(DeliveryItem.provider_id.set(provider_id))
    if error is not None:
        actions.append(DeliveryItem.error.set(error))
    DeliveryItem(delivery_pk(delivery.tenant_id, delivery.key), delivery.target).update(actions=actions)


# --- tenants' template overrides ---------------------------------------------------------------------
def template_override(tenant_id: str, name: str) -> TemplateOverride | None:
    item = TemplateItem.get_live(templates_pk(tenant_id), f"TEMPLATE#{name}")
    if item is None:
        return None
    return TemplateOverride(item.subject, item.body, item.updated_at, item.updated_by)


def put_template_override(tenant_id: str, name: str, override: TemplateOverride) -> None:
    TemplateItem(
        templates_pk(tenant_id),
        f"TEMPLATE#{name}",
        subject=override.subject,
        body=override.body,
        updated_at=override.updated_at,
        updated_by=override.updated_by,
    ).save()
