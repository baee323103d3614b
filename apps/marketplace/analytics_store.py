"""Daily aggregates in the `marketplace` table (the only module that touches them):

    TENANT#t#ANALYTICS#TOTAL / <yyyy-mm-dd>            the storefront's counters of that day
    TENANT#t#ANALYTICS#PRODUCT#<p> / <yyyy-mm-dd>      one product's

Counters move with `ADD` (commutative: concurrent ingests never lose a count); revenue is one counter per
currency (`revenue_<CUR>`).
"""

from __future__ import annotations

from typing import Any

from apps.marketplace.catalog_store import plain, table_name
from shared import aws
from shared.tables import tenant_key


def _pk(tenant_id: str, product_id: str | None) -> str:
    return tenant_key(tenant_id, "ANALYTICS", *(("PRODUCT", product_id) if product_id else ("TOTAL",)))


def add(tenant_id: str, product_id: str | None, day: str, counters: dict[str, int]) -> None:
    if not counters:
        return
    names = {f"#c{i}": name for i, name in enumerate(counters)}
    values = {f":c{i}": {"N": str(value)} for i, value in enumerate(counters.values())}
    aws.client("dynamodb").update_item(
        TableName=table_name(),
        Key={"pk": {"S": _pk(tenant_id, product_id)}, "sk": {"S": day}},
        UpdateExpression="ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(counters))),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
    )


def days(tenant_id: str, product_id: str | None, first: str, last: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    args: dict[str, Any] = {
        "TableName": table_name(),
        "KeyConditionExpression": "pk = :pk AND sk BETWEEN :a AND :b",
        "ExpressionAttributeValues": {
            ":pk": {"S": _pk(tenant_id, product_id)},
            ":a": {"S": first},
            ":b": {"S": last},
        },
    }
    while True:
        found = aws.client("dynamodb").query(**args)
        out.extend(plain(i) for i in found.get("Items", []))
        if "LastEvaluatedKey" not in found:
            return out
        args["ExclusiveStartKey"] = found["LastEvaluatedKey"]
