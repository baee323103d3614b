"""The `hello` table (every key names the tenant: shared.tables.tenant_key):
- `TENANT#<t>#WELCOMED` / `COUNT`: welcomed (number), lastUserId, tenantId;
- `TENANT#<t>#EVENT#<eventId>` / `SEEN`: an event already counted (TTL a day)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from shared import aws
from shared.config import settings
from shared.tables import tenant_key

TABLE = "hello"
SEEN_SECONDS = 86_400  # SQS redelivers within the queue's retention; a day covers every retry we make


@dataclass(frozen=True)
class Welcomed:
    tenant_id: str
    count: int
    last_user_id: str | None


def _table() -> str:
    return settings().table_name(TABLE)


def _key(tenant_id: str) -> dict[str, Any]:
    return {"pk": {"S": tenant_key(tenant_id, "WELCOMED")}, "sk": {"S": "COUNT"}}


def welcome(tenant_id: str, user_id: str, event_id: str) -> None:
    """Count a new member once, whatever the redeliveries: a marker per event (kept a day, by TTL) and the
    count are written in one transaction that fails if the marker exists."""
    marker = {"pk": {"S": tenant_key(tenant_id, "EVENT", event_id)}, "sk": {"S": "SEEN"}}
    try:
        aws.client("dynamodb").transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": _table(),
                        "Item": {**marker, "expiresAt": {"N": str(int(time.time()) + SEEN_SECONDS)}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": _table(),
                        "Key": _key(tenant_id),
                        "UpdateExpression": "ADD welcomed :one SET lastUserId = :user, tenantId = :tenant",
                        "ExpressionAttributeValues": {
                            ":one": {"N": "1"},
                            ":user": {"S": user_id},
                            ":tenant": {"S": tenant_id},
                        },
                    }
                },
            ]
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        reasons = exc.response.get("CancellationReasons") or []
        if not (reasons and reasons[0].get("Code") == "ConditionalCheckFailed"):
            raise
        # counted already: a redelivery


def welcomed(tenant_id: str) -> Welcomed:
    item = (
        aws.client("dynamodb")
        .get_item(TableName=_table(), Key=_key(tenant_id), ConsistentRead=True)
        .get("Item")
    )
    if not item:
        return Welcomed(tenant_id, 0, None)
    return Welcomed(tenant_id, int(item["welcomed"]["N"]), item.get("lastUserId", {}).get("S"))


def tenants() -> Iterator[str]:
    """Every tenant with a count (the daily job's scan: one small item per tenant)."""
    paginator = aws.client("dynamodb").get_paginator("scan")
    pages = paginator.paginate(
        TableName=_table(),
        FilterExpression="sk = :count",
        ExpressionAttributeValues={":count": {"S": "COUNT"}},
    )
    for page in pages:
        for item in page.get("Items", []):
            yield item["tenantId"]["S"]


def forget(tenant_id: str) -> None:
    aws.client("dynamodb").delete_item(TableName=_table(), Key=_key(tenant_id))
