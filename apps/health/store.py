"""The `health` table (every key names the tenant: shared.tables.tenant_key). Items keep their fields as
one JSON `doc` beside the keys; a reading's value is never in `doc` but in `sealed` (shared.sealed).

| item | pk | sk | gsi1 |
|---|---|---|---|
| reading | `TENANT#t#USER#u#READING` | `<measuredAt>#<readingId>` | `…#READING#<type>` / same sk |
| grant | `TENANT#t#GRANT#<owner>` | `EXPERT#<expertId>` | - (TTL `expiresAt`) |
| expert profile | `TENANT#t#EXPERT#<expertId>` | `PROFILE` | `TENANT#t#EXPERTS` / expertId |
| slot | `TENANT#t#SLOT#<slotId>` | `SLOT` | `TENANT#t#EXPERT#<e>#SLOTS` / startsAt#slotId |
| booking | `TENANT#t#BOOKING#<bookingId>` | `BOOKING` | `TENANT#t#USER#u#BOOKINGS` / createdAt |
| report | `TENANT#t#USER#u#REPORT` | `<reportId>` | - |
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from shared import aws, outbox
from shared.config import settings
from shared.events.model import ServiceEvent
from shared.tables import tenant_key

TABLE = "health"
_BATCH = 25  # BatchWriteItem's limit
_UNPROCESSED_ATTEMPTS = 8


def _table() -> str:
    return settings().table_name(TABLE)


def _ddb() -> Any:
    return aws.client("dynamodb")


def _doc(item: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(item["doc"]["S"]))


def _item(pk: str, sk: str, doc: dict[str, Any], **extra: dict[str, str]) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}, "doc": {"S": json.dumps(doc, separators=(",", ":"))}, **extra}


# --- readings ----------------------------------------------------------------------------------------
def _readings_pk(tenant_id: str, user_id: str, reading_type: str | None = None) -> str:
    if reading_type is None:
        return tenant_key(tenant_id, "USER", user_id, "READING")
    return tenant_key(tenant_id, "USER", user_id, "READING", reading_type)


def reading_item(tenant_id: str, doc: dict[str, Any], sealed: str) -> dict[str, Any]:
    sk = f"{doc['measuredAt']}#{doc['readingId']}"
    return _item(
        _readings_pk(tenant_id, doc["userId"]),
        sk,
        doc,
        sealed={"S": sealed},
        gsi1pk={"S": _readings_pk(tenant_id, doc["userId"], doc["type"])},
        gsi1sk={"S": sk},
    )


def put_items(items: Sequence[dict[str, Any]]) -> None:
    """Every item written (BatchWriteItem, unprocessed ones retried), or — if some never are — the ones
    written taken back out (best effort) before raising, so a failed batch leaves nothing behind."""
    written: list[dict[str, Any]] = []
    try:
        for start in range(0, len(items), _BATCH):
            chunk = items[start : start + _BATCH]
            _batch_write([{"PutRequest": {"Item": item}} for item in chunk])
            written += chunk
    except Exception:
        keys = [{"DeleteRequest": {"Key": {"pk": i["pk"], "sk": i["sk"]}}} for i in written]
        for start in range(0, len(keys), _BATCH):
            try:
                _batch_write(keys[start : start + _BATCH])
            except Exception:  # the first failure is the one to report
                break
        raise


def _batch_write(requests: list[Any]) -> None:
    pending = requests
    for attempt in range(_UNPROCESSED_ATTEMPTS):
        answer = _ddb().batch_write_item(RequestItems={_table(): pending})
        pending = answer.get("UnprocessedItems", {}).get(_table(), [])
        if not pending:
            return
        time.sleep(min(0.05 * 2**attempt, 1.0))
    raise RuntimeError(f"{len(pending)} writes were not processed (throttled)")


def readings(
    tenant_id: str,
    user_id: str,
    reading_type: str | None,
    start: str,
    end: str,
    *,
    limit: int | None,
    after: dict[str, Any] | None = None,
) -> tuple[list[tuple[dict[str, Any], str]], dict[str, Any] | None]:
    """(doc, sealed value) of the user's readings measured in [start, end], oldest first, and the key to
    continue from. `limit=None` reads every page."""
    by_type = reading_type is not None
    args: dict[str, Any] = {
        "TableName": _table(),
        "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :from AND :to",
        "ExpressionAttributeNames": {
            "#pk": "gsi1pk" if by_type else "pk",
            "#sk": "gsi1sk" if by_type else "sk",
        },
        "ExpressionAttributeValues": {
            ":pk": {"S": _readings_pk(tenant_id, user_id, reading_type)},
            ":from": {"S": start},
            ":to": {"S": end + "~"},  # after every reading id of the `end` millisecond
        },
    }
    if by_type:
        args["IndexName"] = "gsi1"
    found: list[tuple[dict[str, Any], str]] = []
    while True:
        if limit is not None:
            args["Limit"] = limit - len(found)
        if after:
            args["ExclusiveStartKey"] = after
        page = _ddb().query(**args)
        found += [(_doc(item), item["sealed"]["S"]) for item in page.get("Items", [])]
        after = page.get("LastEvaluatedKey")
        if not after or (limit is not None and len(found) >= limit):
            return found, after


# --- grants ------------------------------------------------------------------------------------------
def put_grant(tenant_id: str, doc: dict[str, Any], expires_epoch: int) -> None:
    item = _item(
        tenant_key(tenant_id, "GRANT", doc["ownerId"]),
        f"EXPERT#{doc['expertId']}",
        doc,
        expiresAt={"N": str(expires_epoch)},
    )
    _ddb().put_item(TableName=_table(), Item=item)


def grant(tenant_id: str, owner_id: str, expert_id: str) -> dict[str, Any] | None:
    key = {"pk": {"S": tenant_key(tenant_id, "GRANT", owner_id)}, "sk": {"S": f"EXPERT#{expert_id}"}}
    item = _ddb().get_item(TableName=_table(), Key=key, ConsistentRead=True).get("Item")
    return _doc(item) if item else None


def delete_grant(tenant_id: str, owner_id: str, expert_id: str) -> None:
    key = {"pk": {"S": tenant_key(tenant_id, "GRANT", owner_id)}, "sk": {"S": f"EXPERT#{expert_id}"}}
    _ddb().delete_item(TableName=_table(), Key=key)


# --- generic documents (experts, slots, bookings, reports) -------------------------------------------
def get(pk: str, sk: str) -> dict[str, Any] | None:
    key = {"pk": {"S": pk}, "sk": {"S": sk}}
    item = _ddb().get_item(TableName=_table(), Key=key, ConsistentRead=True).get("Item")
    return _doc(item) if item else None


def create(pk: str, sk: str, doc: dict[str, Any], gsi: tuple[str, str] | None = None) -> bool:
    """Put a new document; False if one is there already."""
    extra = {} if gsi is None else {"gsi1pk": {"S": gsi[0]}, "gsi1sk": {"S": gsi[1]}}
    try:
        _ddb().put_item(
            TableName=_table(),
            Item=_item(pk, sk, doc, **extra),
            ConditionExpression="attribute_not_exists(pk)",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def create_announced(pk: str, sk: str, doc: dict[str, Any], events: Sequence[ServiceEvent]) -> bool:
    """Put a new document and stage the events it causes in the outbox, in one transaction (nothing
    announced that was not stored); False if the document is there already. The caller releases them."""
    put: Any = {
        "TableName": _table(),
        "Item": _item(pk, sk, doc),
        "ConditionExpression": "attribute_not_exists(pk)",
    }
    return outbox.transact([{"Put": put}], events, table=TABLE) is None


def replace(pk: str, sk: str, doc: dict[str, Any]) -> None:
    """Rewrite an existing document's fields (keys and index attributes kept)."""
    _ddb().update_item(
        TableName=_table(),
        Key={"pk": {"S": pk}, "sk": {"S": sk}},
        UpdateExpression="SET #doc = :doc",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeNames={"#doc": "doc"},
        ExpressionAttributeValues={":doc": {"S": json.dumps(doc, separators=(",", ":"))}},
    )


def by_index(gsi1pk: str, *, limit: int = 100) -> list[dict[str, Any]]:
    page = _ddb().query(
        TableName=_table(),
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": gsi1pk}},
        Limit=limit,
    )
    return [_doc(item) for item in page.get("Items", [])]


def take_slot(tenant_id: str, slot_id: str, booking: dict[str, Any], user_gsi: str) -> bool:
    """Book a slot: one transaction that marks the slot (only if it exists and nobody holds it) and writes
    the booking. False if the slot was taken - whoever else raced for it, exactly one wins."""
    slot_key = {"pk": {"S": tenant_key(tenant_id, "SLOT", slot_id)}, "sk": {"S": "SLOT"}}
    booking_pk = tenant_key(tenant_id, "BOOKING", booking["bookingId"])
    try:
        _ddb().transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": _table(),
                        "Key": slot_key,
                        "UpdateExpression": "SET bookingId = :booking",
                        "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(bookingId)",
                        "ExpressionAttributeValues": {":booking": {"S": booking["bookingId"]}},
                    }
                },
                {
                    "Put": {
                        "TableName": _table(),
                        "Item": _item(
                            booking_pk,
                            "BOOKING",
                            booking,
                            gsi1pk={"S": user_gsi},
                            gsi1sk={"S": booking["createdAt"]},
                        ),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "TransactionCanceledException":
            return False
        raise
    return True


def slot_booking(tenant_id: str, slot_id: str) -> str | None:
    key = {"pk": {"S": tenant_key(tenant_id, "SLOT", slot_id)}, "sk": {"S": "SLOT"}}
    item = _ddb().get_item(TableName=_table(), Key=key, ConsistentRead=True).get("Item")
    return item.get("bookingId", {}).get("S") if item else None


def slots_with_bookings(gsi1pk: str) -> list[tuple[dict[str, Any], bool]]:
    page = _ddb().query(
        TableName=_table(),
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": gsi1pk}},
        Limit=200,
    )
    return [(_doc(item), "bookingId" in item) for item in page.get("Items", [])]


def replace_if(pk: str, sk: str, doc: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Rewrite a document only if it is still exactly `expected` (what the caller read); False if another
    write came between."""
    try:
        _ddb().update_item(
            TableName=_table(),
            Key={"pk": {"S": pk}, "sk": {"S": sk}},
            UpdateExpression="SET #doc = :doc",
            ConditionExpression="#doc = :old",
            ExpressionAttributeNames={"#doc": "doc"},
            ExpressionAttributeValues={
                ":doc": {"S": json.dumps(doc, separators=(",", ":"))},
                ":old": {"S": json.dumps(expected, separators=(",", ":"))},
            },
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def page(
    pk: str, *, limit: int, after: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    args: dict[str, Any] = {
        "TableName": _table(),
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
        "Limit": limit,
    }
    if after:
        args["ExclusiveStartKey"] = after
    answer = _ddb().query(**args)
    return [_doc(item) for item in answer.get("Items", [])], answer.get("LastEvaluatedKey")
