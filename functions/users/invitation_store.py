"""The `INVITE#<invitationId>` items of the users table (one per invitation, in the tenant's partition),
the DynamoDB side of `ports.InvitationStore`.

| attribute | meaning |
|---|---|
| email, roles | who is invited, holding exactly which roles once accepted |
| status | `pending` → `accepted` (acceptedUserId) or `revoked`; "expired" is read from validUntil |
| secretHash | sha256 of the token's secret (never the token) |
| validUntil | epoch seconds (7 days after the invitation) |
| invitedBy, createdAt, updatedAt | |
| expiresAt | TTL: 30 days after validUntil (listed until then, with its final status) |

Ids start with their creation time, so a Query of the partition's `INVITE#` items backwards lists the
newest first. Accepting is one condition in the transaction that creates the user (`accept`): pending,
unexpired and the same secret, so an invitation is accepted once, and never after a revoke.
"""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from functions.users import store
from functions.users.records import EmailTaken, InvitationMoved, InvitationRecord, UserGone, UserRecord
from functions.users.store import TABLE, partition
from shared.events.model import ServiceEvent
from shared.tables import Item, table_meta
from shared.transactions import Transaction

PREFIX = "INVITE#"
KEPT_AFTER_EXPIRY = 30 * 24 * 3600


class InvitationItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    email = UnicodeAttribute()
    roles = ListAttribute(of=UnicodeAttribute, default=list)
    status = UnicodeAttribute()
    secret_hash = UnicodeAttribute(attr_name="secretHash")
    valid_until = NumberAttribute(attr_name="validUntil")
    invited_by = UnicodeAttribute(attr_name="invitedBy")
    created_at = UnicodeAttribute(attr_name="createdAt")
    updated_at = UnicodeAttribute(attr_name="updatedAt", null=True)
    accepted_user_id = UnicodeAttribute(attr_name="acceptedUserId", null=True)

    def record(self) -> InvitationRecord:
        return InvitationRecord(
            tenant_id=self.pk.removeprefix("TENANT#").removesuffix("#USERS"),
            invitation_id=self.sk.removeprefix(PREFIX),
            email=self.email,
            roles=tuple(str(r) for r in self.roles or ()),
            status=self.status,
            secret_hash=self.secret_hash,
            valid_until=int(self.valid_until),
            invited_by=self.invited_by,
            created_at=self.created_at,
            updated_at=self.updated_at or self.created_at,
            accepted_user_id=self.accepted_user_id or None,
        )


def _item(record: InvitationRecord) -> InvitationItem:
    return InvitationItem(partition(record.tenant_id), PREFIX + record.invitation_id)


# --- reads -------------------------------------------------------------------------------------------
def get(tenant_id: str, invitation_id: str) -> InvitationRecord | None:
    item = InvitationItem.get_live(partition(tenant_id), PREFIX + invitation_id)
    return item.record() if item else None


def page(tenant_id: str, *, page_size: int, cursor: str | None) -> tuple[list[InvitationRecord], str | None]:
    """One page of the tenant's invitations, newest first (a Query of its partition, never a Scan)."""
    pk = partition(tenant_id)
    store.check_cursor(pk, cursor, PREFIX)
    items, next_cursor = InvitationItem.page(
        pk,
        page_size=page_size,
        cursor=cursor,
        range_key_condition=InvitationItem.sk.startswith(PREFIX),
        scan_index_forward=False,
        consistent_read=True,
    )
    return [item.record() for item in items], next_cursor


# --- writes ------------------------------------------------------------------------------------------
def insert(record: InvitationRecord, *, events: Sequence[ServiceEvent] = ()) -> None:
    """Store a new invitation with its events' outbox entries (one transaction)."""
    item = _item(record)
    item.email, item.status = record.email, record.status
    item.roles = list(record.roles)  # type: ignore[arg-type]  # pynamodb types the list by its attribute
    item.secret_hash, item.valid_until, item.invited_by = (
        record.secret_hash,
        record.valid_until,
        record.invited_by,
    )
    item.created_at, item.updated_at = record.created_at, record.updated_at
    item.expires_at = record.valid_until + KEPT_AFTER_EXPIRY
    txn = Transaction(table=TABLE)
    txn.put(item, condition=InvitationItem.pk.does_not_exist())
    txn.stage(*events)
    if txn.commit() is not None:
        raise RuntimeError(f"invitation id collided: {record.invitation_id}")  # 80 random bits: not expected


def accept(
    record: InvitationRecord,
    user: UserRecord,
    *,
    now: int,
    at: str,
    events: Sequence[ServiceEvent] = (),
) -> None:
    """Create the user and accept the invitation for it in one transaction: only while the invitation is
    pending, unexpired and holds the secret presented (InvitationMoved), and the address is free
    (EmailTaken)."""
    txn = Transaction(table=TABLE, attempts=store.CONFLICT_ATTEMPTS)
    invitation = txn.update(
        _item(record),
        [
            InvitationItem.status.set("accepted"),
            InvitationItem.accepted_user_id.set(user.user_id),
            InvitationItem.updated_at.set(at),
        ],
        condition=(InvitationItem.status == "pending")
        & (InvitationItem.secret_hash == record.secret_hash)
        & (InvitationItem.valid_until > now),
    )
    claimed = store.add_insert(txn, user)
    txn.stage(*events)
    cancelled = txn.commit()
    if cancelled is not None:
        if cancelled.condition_failed(claimed):
            raise EmailTaken(user.email)
        if cancelled.condition_failed(invitation):
            raise InvitationMoved(record.invitation_id)
        raise UserGone(user.user_id)


def reopen(
    record: InvitationRecord, user: UserRecord, *, at: str, withdraw: Sequence[ServiceEvent] = ()
) -> None:
    """Undo `accept` (the user's roles could not be given): the user removed and the invitation pending
    again, if still accepted by it; the events taken back out. UserGone when something moved."""
    txn = Transaction(table=TABLE, attempts=store.CONFLICT_ATTEMPTS)
    txn.update(
        _item(record),
        [
            InvitationItem.status.set("pending"),
            InvitationItem.updated_at.set(at),
            InvitationItem.accepted_user_id.remove(),
        ],
        condition=(InvitationItem.status == "accepted") & (InvitationItem.accepted_user_id == user.user_id),
    )
    store.add_remove(txn, user)
    txn.unstage(*withdraw)
    if txn.commit() is not None:
        raise UserGone(user.user_id)


def revoke(record: InvitationRecord, *, at: str, events: Sequence[ServiceEvent] = ()) -> bool:
    """pending → revoked with its events (one transaction); False when it is no longer pending."""
    txn = Transaction(table=TABLE)
    txn.update(
        _item(record),
        [InvitationItem.status.set("revoked"), InvitationItem.updated_at.set(at)],
        condition=InvitationItem.status == "pending",
    )
    txn.stage(*events)
    return txn.commit() is None
