"""Stock items (`TENANT#t#PRODUCT#p / STOCK`): the only writes that move `available` and `reserved`.

A reservation is one conditional update per line, `available >= :q`, all lines of an order in one
TransactWriteItems (all or nothing), together with the order's own state change — so a retried step
(Step Functions retries, a redelivered invocation) finds the order already moved and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.marketplace.catalog_store import STOCK_SK, product_pk, table_name
from shared import aws
from shared.errors import InvalidRequest

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


def _key(tenant_id: str, product_id: str) -> dict[str, Any]:
    return {"pk": {"S": product_pk(tenant_id, product_id)}, "sk": {"S": STOCK_SK}}


def levels(tenant_id: str, product_id: str) -> tuple[int, int]:
    found = aws.client("dynamodb").get_item(
        TableName=table_name(), Key=_key(tenant_id, product_id), ConsistentRead=True
    )
    item = found.get("Item") or {}
    return int(item.get("available", {}).get("N", "0")), int(item.get("reserved", {}).get("N", "0"))


def set_available(tenant_id: str, product_id: str, available: int) -> bool:
    from botocore.exceptions import ClientError

    try:
        aws.client("dynamodb").update_item(
            TableName=table_name(),
            Key=_key(tenant_id, product_id),
            UpdateExpression="SET available = :a",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":a": {"N": str(available)}},
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def take(tenant_id: str, product_id: str, quantity: int) -> TransactWriteItemTypeDef:
    """available → reserved, only if enough is available."""
    if quantity <= 0:
        raise InvalidRequest("quantity: must be positive", field="quantity")
    return {
        "Update": {
            "TableName": table_name(),
            "Key": _key(tenant_id, product_id),
            "UpdateExpression": "SET available = available - :q, reserved = reserved + :q",
            "ConditionExpression": "available >= :q",
            "ExpressionAttributeValues": {":q": {"N": str(quantity)}},
        }
    }


def give_back(tenant_id: str, product_id: str, quantity: int) -> TransactWriteItemTypeDef:
    """reserved → available (a released reservation). The stock item may be gone with its product."""
    return {
        "Update": {
            "TableName": table_name(),
            "Key": _key(tenant_id, product_id),
            "UpdateExpression": "SET available = available + :q, reserved = reserved - :q",
            "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeValues": {":q": {"N": str(quantity)}},
        }
    }


def settle(tenant_id: str, product_id: str, quantity: int) -> TransactWriteItemTypeDef:
    """reserved → sold (a paid order)."""
    return {
        "Update": {
            "TableName": table_name(),
            "Key": _key(tenant_id, product_id),
            "UpdateExpression": "SET reserved = reserved - :q",
            "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeValues": {":q": {"N": str(quantity)}},
        }
    }
