"""Orders in the `marketplace` table (the only module that touches them).

    TENANT#t#ORDER#o / ORDER           the order: `doc` (what never changes: lines, total, customer) and the
                                       saga's state (`status`, `reservation`, `payment`, `steps`, `reason`)
    TENANT#t#ORDERKEY#<user>#<hash> / KEY   a client's Idempotency-Key → the order it created
    gsi2 HELD / <reservedAt>#<tenant>#<order>   orders holding stock: the expiry job reads the oldest

Every saga step is a `transition`: an update conditioned on the state the step starts from, in one
transaction with the stock moves and the outbox entries it causes. A retried step finds the order moved
on and changes nothing; two steps racing (the saga and the expiry job) can never both win.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from apps.marketplace.catalog_store import plain, table_name
from shared import attribute_values, aws, outbox
from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from shared.events.model import ServiceEvent
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

TABLE = "marketplace"
ORDER_SK = "ORDER"
HELD = "HELD"


def order_pk(tenant_id: str, order_id: str) -> str:
    return tenant_key(tenant_id, "ORDER", order_id)


def _key_pk(tenant_id: str, user_id: str, key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return tenant_key(tenant_id, "ORDERKEY", user_id.replace("#", "_"), digest)


def _wire(item: dict[str, Any]) -> dict[str, Any]:
    return attribute_values.wire_item(item)


def get(tenant_id: str, order_id: str) -> dict[str, Any] | None:
    found = aws.client("dynamodb").get_item(
        TableName=table_name(),
        Key={"pk": {"S": order_pk(tenant_id, order_id)}, "sk": {"S": ORDER_SK}},
        ConsistentRead=True,
    )
    item = found.get("Item")
    if not item:
        return None
    out = plain(item)
    out["doc"] = json.loads(out["doc"])
    return out


def order_for_key(tenant_id: str, user_id: str, key: str) -> str | None:
    found = aws.client("dynamodb").get_item(
        TableName=table_name(),
        Key={"pk": {"S": _key_pk(tenant_id, user_id, key)}, "sk": {"S": "KEY"}},
        ConsistentRead=True,
    )
    item = found.get("Item")
    return item["orderId"]["S"] if item else None


def create(
    tenant_id: str, order_id: str, doc: dict[str, Any], *, token: str, user_id: str, key: str | None
) -> bool:
    """The new order (and its Idempotency-Key claim). False: the key already names another order."""
    now = doc["createdAt"]
    order = {
        "pk": order_pk(tenant_id, order_id),
        "sk": ORDER_SK,
        "doc": json.dumps(doc, separators=(",", ":")),
        "status": "pending",
        "reservation": "none",
        "payment": {"status": "none"},
        "steps": [],
        "token": token,
        "updatedAt": now,
        "gsi1pk": tenant_key(tenant_id, "CUSTOMER", user_id.replace("#", "_")),
        "gsi1sk": f"{now}#{order_id}",
    }
    items: list[TransactWriteItemTypeDef] = []
    if key is not None:
        claim = {"pk": _key_pk(tenant_id, user_id, key), "sk": "KEY", "orderId": order_id}
        items.append(
            {
                "Put": {
                    "TableName": table_name(),
                    "Item": _wire(claim),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        )
    items.append(
        {
            "Put": {
                "TableName": table_name(),
                "Item": _wire(order),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
    )
    return outbox.transact(items, [], table=TABLE) is None


def transition(
    tenant_id: str,
    order_id: str,
    *,
    expect: dict[str, str],
    changes: dict[str, Any],
    step: dict[str, Any] | None = None,
    remove: Sequence[str] = (),
    also: Sequence[TransactWriteItemTypeDef] = (),
    events: Sequence[ServiceEvent] = (),
) -> list[str] | None:
    """Move the order if each `expect` attribute still holds its value: None when done, else the
    transaction's cancellation reasons (the order's first, then `also`'s)."""
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    sets: list[str] = []
    conditions: list[str] = []
    for i, (name, value) in enumerate(expect.items()):
        names[f"#e{i}"] = name
        values[f":e{i}"] = attribute_values.wire(value)
        conditions.append(f"#e{i} = :e{i}")
    for i, (name, value) in enumerate(changes.items()):
        names[f"#c{i}"] = name
        values[f":c{i}"] = attribute_values.wire(value)
        sets.append(f"#c{i} = :c{i}")
    if step is not None:
        names["#steps"] = "steps"
        values[":step"] = attribute_values.wire([step])
        sets.append("#steps = list_append(#steps, :step)")
    expression = "SET " + ", ".join(sets)
    if remove:
        expression += " REMOVE " + ", ".join(remove)
    update: TransactWriteItemTypeDef = {
        "Update": {
            "TableName": table_name(),
            "Key": {"pk": {"S": order_pk(tenant_id, order_id)}, "sk": {"S": ORDER_SK}},
            "UpdateExpression": expression,
            "ConditionExpression": " AND ".join(conditions) or "attribute_exists(pk)",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }
    return outbox.transact([update, *also], list(events), table=TABLE)


def held_before(cutoff: str, limit: int = 100) -> list[tuple[str, str]]:
    """(tenant, order) of orders that have held stock since before `cutoff`, oldest first."""
    found = aws.client("dynamodb").query(
        TableName=table_name(),
        IndexName="gsi2",
        KeyConditionExpression="gsi2pk = :held AND gsi2sk < :cutoff",
        ExpressionAttributeValues={":held": {"S": HELD}, ":cutoff": {"S": cutoff}},
        Limit=limit,
    )
    out = []
    for item in found.get("Items", []):
        _, tenant_id, order_id = item["gsi2sk"]["S"].split("#")
        out.append((tenant_id, order_id))
    return out


def by_customer(
    tenant_id: str, user_id: str, *, page_size: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """A customer's orders, newest first (gsi1 `CUSTOMER`; for GraphQL's `orders`), and the next cursor."""
    pk = tenant_key(tenant_id, "CUSTOMER", user_id.replace("#", "_"))
    start, number = Cursor.decode(cursor)
    args: dict[str, Any] = {
        "TableName": table_name(),
        "IndexName": "gsi1",
        "KeyConditionExpression": "gsi1pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
        "ScanIndexForward": False,
        "Limit": page_size,
    }
    if start is not None:
        if start.get("gsi1pk") != {"S": pk} or set(start) != {"pk", "sk", "gsi1pk", "gsi1sk"}:
            raise InvalidRequest("The cursor is not valid", field="cursor")
        args["ExclusiveStartKey"] = start
    found = aws.client("dynamodb").query(**args)
    records = []
    for item in found.get("Items", []):
        record = plain(item)
        record["doc"] = json.loads(record["doc"])
        records.append(record)
    return records, Cursor.encode(found.get("LastEvaluatedKey"), page=number + 1)
