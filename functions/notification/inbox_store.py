"""The in-app inbox in the `notifications` table, the DynamoDB side of `ports.InboxStore`: items
`TENANT#t#USER#u#INBOX` / `<createdAt>#<id>` (unread ones also on the sparse index gsi1,
`TENANT#t#USER#u#UNREAD`) and the per-user counters `TENANT#t#USER#u` / `INBOX` (total, unread), changed
only in the transactions that change the items (shared.transactions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from functions.notification.ports import Delivery, InboxRecord
from functions.notification.store import TABLE, DeliveryItem, delivery_item, user_pk
from shared.envelopes import Cursor
from shared.errors import InvalidRequest, ServiceUnavailable
from shared.events.model import ServiceEvent
from shared.tables import Gsi1, Item, table_meta, tenant_key
from shared.transactions import Transaction


def inbox_pk(tenant_id: str, user_id: str) -> str:
    return tenant_key(tenant_id, "USER", user_id, "INBOX")


def unread_pk(tenant_id: str, user_id: str) -> str:
    return tenant_key(tenant_id, "USER", user_id, "UNREAD")


def _sk(notification_id: str, created_at: str) -> str:
    return f"{created_at}#{notification_id}"


class InboxItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    notification_id = UnicodeAttribute(attr_name="notificationId")
    type = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    created_at = UnicodeAttribute(attr_name="createdAt")
    event_id = UnicodeAttribute(null=True, attr_name="eventId")
    read = BooleanAttribute(default=False)
    # Only while unread: the sparse index lists the unread items.
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = Gsi1()

    def record(self) -> InboxRecord:
        return InboxRecord(
            self.notification_id, self.type, self.title, self.body, self.created_at, self.read, self.event_id
        )


class CountersItem(Item):
    """`INBOX` of a user: the maintained counts (ADDed to, so they exist from the first item on)."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]

    total = NumberAttribute(null=True)
    unread = NumberAttribute(null=True)


def _counters(tenant_id: str, user_id: str) -> CountersItem:
    return CountersItem(user_pk(tenant_id, user_id), "INBOX")


def add(
    tenant_id: str,
    user_id: str,
    entry: InboxRecord,
    *,
    delivery: Delivery,
    template: str,
    events: Sequence[ServiceEvent] = (),
) -> bool:
    """Item, counts, its `sent` delivery record and the outbox entries of `events` (notification.created)
    in one transaction: False (and nothing written) when that delivery already happened, so a redelivered
    event never adds a second item or count."""
    sk = _sk(entry.notification_id, entry.created_at)
    item = InboxItem(
        inbox_pk(tenant_id, user_id),
        sk,
        notification_id=entry.notification_id,
        type=entry.type,
        title=entry.title,
        body=entry.body,
        created_at=entry.created_at,
        event_id=entry.event_id,
        read=False,
        gsi1pk=unread_pk(tenant_id, user_id),
        gsi1sk=sk,
    )
    record = delivery_item(delivery, "sent", template, provider_id=entry.notification_id)
    txn = Transaction(table=TABLE)
    txn.put(item, condition=InboxItem.pk.does_not_exist())
    txn.update(_counters(tenant_id, user_id), [CountersItem.total.add(1), CountersItem.unread.add(1)])
    txn.put(record, condition=DeliveryItem.pk.does_not_exist())
    txn.stage(*events)
    cancelled = txn.commit()
    if cancelled is None:
        return True
    if cancelled.condition_failed():
        return False
    raise ServiceUnavailable(f"The notifications transaction was cancelled: {cancelled.reasons}")


def counts(tenant_id: str, user_id: str) -> tuple[int, int]:
    """(total, unread) of the user's inbox: the maintained counters."""
    item = CountersItem.get_live(user_pk(tenant_id, user_id), "INBOX")
    if item is None:
        return 0, 0
    return max(0, int(item.total or 0)), max(0, int(item.unread or 0))


def mark_read(tenant_id: str, user_id: str, notification_id: str, created_at: str) -> bool:
    """Mark one of the user's items read (it leaves the unread index) and count one unread less, once.
    → False when the user has no such item; an item already read is fine and changes nothing."""
    item = InboxItem(inbox_pk(tenant_id, user_id), _sk(notification_id, created_at))
    txn = Transaction(table=TABLE)
    txn.update(
        item,
        [InboxItem.read.set(True), InboxItem.gsi1pk.remove(), InboxItem.gsi1sk.remove()],
        condition=InboxItem.pk.exists() & (InboxItem.read == False),  # noqa: E712 - a DynamoDB condition
    )
    txn.update(_counters(tenant_id, user_id), [CountersItem.unread.add(-1)])
    cancelled = txn.commit()
    if cancelled is None:
        return True
    if cancelled.condition_failed(0):
        return InboxItem.get_live(item.pk, item.sk) is not None
    raise ServiceUnavailable(f"The notifications transaction was cancelled: {cancelled.reasons}")


def page(
    tenant_id: str, user_id: str, *, unread: bool, page_size: int, cursor: str | None
) -> tuple[list[InboxRecord], str | None]:
    """One page of the user's items, newest first (all, or only the unread through the sparse index).
    Asks for one item more than the page, so a next cursor means a next item really exists."""
    start, page_number = Cursor.decode(cursor)
    if start is not None:
        start = _checked_start(start, tenant_id, user_id, unread)
    query: dict[str, Any] = {
        "scan_index_forward": False,
        "limit": page_size + 1,
        "page_size": page_size + 1,
        "last_evaluated_key": start,
    }
    found = (
        InboxItem.gsi1.query(unread_pk(tenant_id, user_id), **query)
        if unread
        else InboxItem.query(inbox_pk(tenant_id, user_id), **query)
    )
    items: list[InboxRecord] = []
    for item in found:
        items.append(cast(InboxItem, item).record())  # gsi1 answers the model it is declared on
        if len(items) == page_size:
            break
    if len(items) < page_size:
        return items, None
    last = found.last_evaluated_key  # the key of the page's last item (pynamodb rebuilds it mid-page)
    if next(iter(found), None) is None:
        return items, None
    return items, Cursor.encode(last, page=page_number + 1)


def _checked_start(start: dict[str, Any], tenant_id: str, user_id: str, unread: bool) -> dict[str, Any]:
    """A cursor is opaque but not trusted: it must point into this user's own inbox (and the same view),
    or DynamoDB would refuse it (a 500) or start in someone else's partition."""
    expected = {"pk": inbox_pk(tenant_id, user_id)}
    if unread:
        expected["gsi1pk"] = unread_pk(tenant_id, user_id)
    names = set(expected) | {"sk"} | ({"gsi1sk"} if unread else set())
    strings = all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in start.values())
    if set(start) != names or not strings or any(start[k]["S"] != v for k, v in expected.items()):
        raise InvalidRequest("The cursor is not valid", field="cursor")
    return start
