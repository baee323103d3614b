"""The in-app inbox in the `notifications` table: items `TENANT#t#USER#u#INBOX` / `<createdAt>#<id>`
(unread ones also on the sparse index gsi1, `TENANT#t#USER#u#UNREAD`) and the per-user counters
`TENANT#t#USER#u` / `INBOX` (total, unread), changed only in the transactions that change the items.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from functions.notification.store import (
    db,
    delivery_item,
    get,
    inbox_pk,
    key,
    plain,
    table,
    transact,
    unread_pk,
    user_pk,
    values,
    wire,
)
from shared import outbox
from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from shared.events.model import ServiceEvent

_NOTIFICATION_ID = re.compile(r"n_([0-9]{13})[0-9a-f]{16}")


def new_notification_id() -> tuple[str, str]:
    """(notificationId, createdAt). The id carries its creation time (ms), so mark-read finds the item's
    sort key `<createdAt>#<id>` from the id alone: no lookup item, no query."""
    millis = time.time_ns() // 1_000_000
    return f"n_{millis:013d}{uuid.uuid4().hex[:16]}", _iso(millis)


def inbox_sk(notification_id: str) -> str | None:
    """The sort key an id names, or None when it is not one of ours (so: not found)."""
    found = _NOTIFICATION_ID.fullmatch(notification_id)
    return f"{_iso(int(found.group(1)))}#{notification_id}" if found else None


def _iso(millis: int) -> str:
    moment = datetime.fromtimestamp(millis / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def add_to_inbox(
    tenant_id: str,
    user_id: str,
    entry: Mapping[str, Any],
    *,
    delivery: tuple[str, str],
    template: str,
    events: Sequence[ServiceEvent] = (),
) -> bool:
    """Item, counts, its `sent` delivery record and the outbox entries of `events` (notification.created)
    in one transaction: False (and nothing written) when that delivery already happened, so a redelivered
    event never adds a second item or count."""
    sk = f"{entry['createdAt']}#{entry['notificationId']}"
    item = {"pk": inbox_pk(tenant_id, user_id), "sk": sk, **entry, "read": False}
    item |= {"gsi1pk": unread_pk(tenant_id, user_id), "gsi1sk": sk}
    record = delivery_item(*delivery, "sent", template, providerId=entry["notificationId"])
    new = "attribute_not_exists(pk)"
    reasons = transact(
        [
            {"Put": {"TableName": table(), "Item": wire(item), "ConditionExpression": new}},
            {
                "Update": {
                    "TableName": table(),
                    "Key": key(user_pk(tenant_id, user_id), "INBOX"),
                    "UpdateExpression": "ADD #total :one, #unread :one",
                    "ExpressionAttributeNames": {"#total": "total", "#unread": "unread"},
                    "ExpressionAttributeValues": values(one=1),
                }
            },
            {"Put": {"TableName": table(), "Item": wire(record), "ConditionExpression": new}},
            *(outbox.staged(event) for event in events),
        ]
    )
    return reasons is None


def counts(tenant_id: str, user_id: str) -> tuple[int, int]:
    """(total, unread) of the user's inbox: the maintained counters."""
    item = get(user_pk(tenant_id, user_id), "INBOX") or {}
    return max(0, int(item.get("total", 0))), max(0, int(item.get("unread", 0)))


def mark_read(tenant_id: str, user_id: str, sk: str) -> bool:
    """Mark one of the user's items read (it leaves the unread index) and count one unread less, once.
    → False when the user has no such item; an item already read is fine and changes nothing."""
    reasons = transact(
        [
            {
                "Update": {
                    "TableName": table(),
                    "Key": key(inbox_pk(tenant_id, user_id), sk),
                    "UpdateExpression": "SET #read = :true REMOVE gsi1pk, gsi1sk",
                    "ConditionExpression": "attribute_exists(pk) AND #read = :false",
                    "ExpressionAttributeNames": {"#read": "read"},
                    "ExpressionAttributeValues": values(true=True, false=False),
                }
            },
            {
                "Update": {
                    "TableName": table(),
                    "Key": key(user_pk(tenant_id, user_id), "INBOX"),
                    "UpdateExpression": "ADD #unread :minus",
                    "ExpressionAttributeNames": {"#unread": "unread"},
                    "ExpressionAttributeValues": values(minus=-1),
                }
            },
        ]
    )
    return reasons is None or get(inbox_pk(tenant_id, user_id), sk) is not None


def inbox_page(
    tenant_id: str, user_id: str, *, unread: bool, page_size: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the user's items, newest first (all, or only the unread through the sparse index).
    Asks for one item more than the page, so a next cursor means a next item really exists."""
    key_name, pk = (
        ("gsi1pk", unread_pk(tenant_id, user_id)) if unread else ("pk", inbox_pk(tenant_id, user_id))
    )
    start, page = Cursor.decode(cursor)
    request: dict[str, Any] = {
        "TableName": table(),
        "KeyConditionExpression": f"{key_name} = :pk",
        "ExpressionAttributeValues": values(pk=pk),
        "ScanIndexForward": False,
        "Limit": page_size + 1,
    }
    if unread:
        request["IndexName"] = "gsi1"
    if start is not None:
        request["ExclusiveStartKey"] = _checked_start(start, tenant_id, user_id, unread)
    items = [plain(raw) for raw in db().query(**request).get("Items", [])]
    if len(items) <= page_size:
        return items, None
    last = items[page_size - 1]
    names = ("pk", "sk", "gsi1pk", "gsi1sk") if unread else ("pk", "sk")
    return items[:page_size], Cursor.encode({n: {"S": last[n]} for n in names}, page=page + 1)


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
