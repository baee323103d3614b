"""The recipient projection: who a tenant's messages go to, kept from the events instead of asked of the
users and rbac services at send time (a queue consumer must not depend on them being up).

Per user: email, phone (profile.phone, only when it is an E.164 number SNS can take), name and whether
they are a tenant admin; per tenant: the admins with their contact. Events arrive in any order and more
than once, so every step is an upsert or a delete: a role change seen before the user's creation leaves
`admin` on the recipient, and the creation then completes the admin entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from functions.notification import ports
from functions.notification.ports import RecipientField, RecipientRecord

ADMIN_ROLE = "tenant_admin"
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


@dataclass(frozen=True)
class Recipient:
    """Someone a message goes to: a user of a tenant (all channels, per preferences) or, without a user
    id, a bare address (email only: STRATUS_ALERT_EMAILS, an alert's recipients)."""

    email: str | None
    user_id: str | None = None
    phone: str | None = None

    @property
    def target(self) -> str:
        """The delivery record's key part: the user, or the address for a bare one."""
        return self.user_id if self.user_id else f"address:{self.email}"


def phone_of(profile: Mapping[str, Any] | None) -> str | None:
    raw = (profile or {}).get("phone")
    phone = re.sub(r"[\s().-]", "", raw) if isinstance(raw, str) else ""
    return phone if _E164.fullmatch(phone) else None


def _name_of(profile: Mapping[str, Any] | None) -> str | None:
    name = (profile or {}).get("name")
    return (name.strip() or None) if isinstance(name, str) else None


def _contact(
    profile: Mapping[str, Any] | None,
) -> tuple[dict[RecipientField, str | bool], list[RecipientField]]:
    """(attributes to SET, attributes to REMOVE) for the profile's phone and name."""
    put: dict[RecipientField, str | bool] = {}
    drop: list[RecipientField] = []
    given: tuple[tuple[RecipientField, str | None], ...] = (
        ("phone", phone_of(profile)),
        ("name", _name_of(profile)),
    )
    for attr, value in given:
        if value is None:
            drop.append(attr)
        else:
            put[attr] = value
    return put, drop


def _sync_admin(tenant_id: str, recipient: RecipientRecord) -> None:
    """The tenants' admin list follows the recipient item (once its email is known)."""
    if recipient.admin and recipient.email:
        ports.store().put_admin(tenant_id, recipient.user_id, email=recipient.email, phone=recipient.phone)
    elif not recipient.admin:
        ports.store().delete_admin(tenant_id, recipient.user_id)


# --- the events --------------------------------------------------------------------------------------
def user_created(
    tenant_id: str, user_id: str, email: str, profile: Mapping[str, Any] | None, roles: list[str]
) -> None:
    put, drop = _contact(profile)
    put["email"] = email
    if ADMIN_ROLE in roles:
        put["admin"] = True
    _sync_admin(tenant_id, ports.store().update_recipient(tenant_id, user_id, put=put, drop=drop))


def user_updated(tenant_id: str, user_id: str, profile: Mapping[str, Any] | None) -> None:
    """The event carries the whole profile after the change; without one, nothing we keep changed."""
    if profile is None:
        return
    put, drop = _contact(profile)
    recipient = ports.store().update_recipient(tenant_id, user_id, put=put, drop=drop)
    if recipient.admin:
        _sync_admin(tenant_id, recipient)


def user_deleted(tenant_id: str, user_id: str) -> None:
    store = ports.store()
    store.delete_admin(tenant_id, user_id)
    store.delete_recipient(tenant_id, user_id)
    store.delete_preferences(tenant_id, user_id)


def role_changed(tenant_id: str, user_id: str, role: str, change: str) -> None:
    if role != ADMIN_ROLE or change not in ("assigned", "removed"):
        return
    _sync_admin(
        tenant_id, ports.store().update_recipient(tenant_id, user_id, put={"admin": change == "assigned"})
    )


def tenant_created(tenant_id: str, admin_user_id: str, admin_email: str) -> None:
    recipient = ports.store().update_recipient(
        tenant_id, admin_user_id, put={"email": admin_email, "admin": True}
    )
    _sync_admin(tenant_id, recipient)


# --- reads -------------------------------------------------------------------------------------------
def user(tenant_id: str, user_id: str, email: str | None = None) -> Recipient:
    """The user as a recipient; `email` (from the event) wins over the projection's."""
    known = ports.store().recipient(tenant_id, user_id) or RecipientRecord(user_id)
    return Recipient(email=email or known.email, user_id=user_id, phone=known.phone)


def admins(tenant_id: str) -> list[Recipient]:
    return [
        Recipient(email=a.email, user_id=a.user_id, phone=a.phone) for a in ports.store().admins(tenant_id)
    ]
