"""The catalog's items in the `marketplace` table (the only module that touches them).

    TENANT#t#PRODUCT#p / PRODUCT     the product (its body as JSON in `doc`), on two indexes:
                                     gsi1 TENANT#t#CATEGORY#c (by category), gsi2 TENANT#t#PRODUCTS (all)
    TENANT#t#PRODUCT#p / STOCK       `available` and `reserved` (apps.marketplace.stock_store moves them)
    TENANT#t#CATEGORIES / CAT#c      how many products a category holds, moved in the product's transaction

Every key starts with the tenant (`shared.tables.tenant_key`), so no read can reach another tenant's item.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from shared import attribute_values, aws, outbox
from shared.config import settings
from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from shared.events.model import ServiceEvent
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

TABLE = "marketplace"
PRODUCT_SK = "PRODUCT"
STOCK_SK = "STOCK"


def table_name() -> str:
    return settings().table_name(TABLE)


def product_pk(tenant_id: str, product_id: str) -> str:
    return tenant_key(tenant_id, "PRODUCT", product_id)


def _categories_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "CATEGORIES")


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def plain(item: dict[str, Any]) -> dict[str, Any]:
    return attribute_values.plain(item)


# --- reads -------------------------------------------------------------------------------------------
def get(tenant_id: str, product_id: str) -> tuple[dict[str, Any], int] | None:
    """The product's body and its version, or None."""
    found = aws.client("dynamodb").get_item(
        TableName=table_name(), Key=_key(product_pk(tenant_id, product_id), PRODUCT_SK), ConsistentRead=True
    )
    item = found.get("Item")
    if not item:
        return None
    return json.loads(item["doc"]["S"]), int(item["version"]["N"])


def page(
    tenant_id: str, *, category: str | None, page_size: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first; a cursor is only accepted for the partition it was issued for."""
    index, pk = (
        ("gsi1", tenant_key(tenant_id, "CATEGORY", category))
        if category
        else ("gsi2", tenant_key(tenant_id, "PRODUCTS"))
    )
    start, number = Cursor.decode(cursor)
    args: dict[str, Any] = {
        "TableName": table_name(),
        "IndexName": index,
        "KeyConditionExpression": "#pk = :pk",
        "ExpressionAttributeNames": {"#pk": f"{index}pk"},
        "ExpressionAttributeValues": {":pk": {"S": pk}},
        "ScanIndexForward": False,
        "Limit": page_size,
    }
    if start is not None:
        if start.get(f"{index}pk") != {"S": pk} or set(start) != {"pk", "sk", f"{index}pk", f"{index}sk"}:
            raise InvalidRequest("The cursor is not valid", field="cursor")
        args["ExclusiveStartKey"] = start
    found = aws.client("dynamodb").query(**args)
    items = [json.loads(i["doc"]["S"]) for i in found.get("Items", [])]
    return items, Cursor.encode(found.get("LastEvaluatedKey"), page=number + 1)


def total(tenant_id: str, category: str | None) -> int:
    if category:
        counts = dict(categories(tenant_id))
        return counts.get(category, 0)
    return sum(count for _, count in categories(tenant_id))


def categories(tenant_id: str) -> list[tuple[str, int]]:
    found = aws.client("dynamodb").query(
        TableName=table_name(),
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": _categories_pk(tenant_id)}},
        ConsistentRead=True,
    )
    out = [(i["sk"]["S"].removeprefix("CAT#"), int(i["count"]["N"])) for i in found.get("Items", [])]
    return sorted((c, n) for c, n in out if n > 0)


# --- writes ------------------------------------------------------------------------------------------
def _product_item(tenant_id: str, doc: dict[str, Any], version: int) -> dict[str, Any]:
    sort = f"{doc['createdAt']}#{doc['productId']}"
    return {
        **_key(product_pk(tenant_id, doc["productId"]), PRODUCT_SK),
        "doc": {"S": json.dumps(doc, separators=(",", ":"))},
        "version": {"N": str(version)},
        "gsi1pk": {"S": tenant_key(tenant_id, "CATEGORY", doc["category"])},
        "gsi1sk": {"S": sort},
        "gsi2pk": {"S": tenant_key(tenant_id, "PRODUCTS")},
        "gsi2sk": {"S": sort},
    }


def _count(tenant_id: str, category: str, delta: int) -> TransactWriteItemTypeDef:
    return {
        "Update": {
            "TableName": table_name(),
            "Key": _key(_categories_pk(tenant_id), f"CAT#{category}"),
            "UpdateExpression": "ADD #c :d",
            "ExpressionAttributeNames": {"#c": "count"},
            "ExpressionAttributeValues": {":d": {"N": str(delta)}},
        }
    }


def create(tenant_id: str, doc: dict[str, Any], events: list[ServiceEvent]) -> None:
    """The product, its empty stock and its category's count, with its events, in one transaction."""
    items: list[TransactWriteItemTypeDef] = [
        {
            "Put": {
                "TableName": table_name(),
                "Item": _product_item(tenant_id, doc, 1),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        },
        {
            "Put": {
                "TableName": table_name(),
                "Item": {
                    **_key(product_pk(tenant_id, doc["productId"]), STOCK_SK),
                    "available": {"N": "0"},
                    "reserved": {"N": "0"},
                },
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        },
        _count(tenant_id, doc["category"], 1),
    ]
    if outbox.transact(items, events, table=TABLE) is not None:
        raise RuntimeError("a fresh product id was taken")  # ids are random: not expected


def replace(
    tenant_id: str,
    doc: dict[str, Any],
    *,
    version: int,
    old_category: str,
    events: list[ServiceEvent],
) -> bool:
    """Write `doc` if the product is still at `version` (False: it changed or went meanwhile)."""
    items: list[TransactWriteItemTypeDef] = [
        {
            "Put": {
                "TableName": table_name(),
                "Item": _product_item(tenant_id, doc, version + 1),
                "ConditionExpression": "version = :v",
                "ExpressionAttributeValues": {":v": {"N": str(version)}},
            }
        }
    ]
    if old_category != doc["category"]:
        items += [_count(tenant_id, old_category, -1), _count(tenant_id, doc["category"], 1)]
    return outbox.transact(items, events, table=TABLE) is None


def remove(
    tenant_id: str, product_id: str, *, version: int, category: str, events: list[ServiceEvent]
) -> list[str] | None:
    """None when deleted, else the cancellation reasons (product changed; stock still reserved)."""
    pk = product_pk(tenant_id, product_id)
    items: list[TransactWriteItemTypeDef] = [
        {
            "Delete": {
                "TableName": table_name(),
                "Key": _key(pk, PRODUCT_SK),
                "ConditionExpression": "version = :v",
                "ExpressionAttributeValues": {":v": {"N": str(version)}},
            }
        },
        {
            # Not while an order holds some of its stock: the order's release would have nothing to free.
            "Delete": {
                "TableName": table_name(),
                "Key": _key(pk, STOCK_SK),
                "ConditionExpression": "attribute_not_exists(pk) OR reserved = :zero",
                "ExpressionAttributeValues": {":zero": {"N": "0"}},
            }
        },
        _count(tenant_id, category, -1),
    ]
    return outbox.transact(items, events, table=TABLE)
