"""The `TOKEN#<tokenId>` items of the users table: password-reset and email-verification links.

| attribute | meaning |
|---|---|
| kind | `reset` or `verify` |
| userId | whose link it is |
| secretHash | sha256 of the link's secret (never the secret) |
| validUntil | epoch seconds: the link works until then |
| stamp | reset: sha256 of the password hash at issue (a later change voids the link); verify: the address |
| expiresAt | TTL: a day after validUntil (until then an expired link says so rather than "unknown") |

A link works once: using it deletes its item in the transaction that does what it was for, conditioned on
the secret still being the one presented, so two uses at once cannot both succeed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from functions.users import attribute_values
from functions.users.store import USER_PREFIX, partition
from shared import aws
from shared.config import settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

PREFIX = "TOKEN#"
KEPT_AFTER_EXPIRY = 24 * 3600


@dataclass(frozen=True)
class TokenRecord:
    tenant_id: str
    token_id: str
    kind: str
    user_id: str
    secret_hash: str
    valid_until: int
    stamp: str
    created_at: str


def _table() -> str:
    return settings().table_name("users")


def _key(tenant_id: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": partition(tenant_id)}, "sk": {"S": sk}}


def _wire(values: dict[str, Any]) -> dict[str, Any]:
    return {name: attribute_values.serialize(value) for name, value in values.items()}


def get(tenant_id: str, token_id: str) -> TokenRecord | None:
    found = aws.client("dynamodb").get_item(
        TableName=_table(), Key=_key(tenant_id, PREFIX + token_id), ConsistentRead=True
    )
    raw = found.get("Item")
    if not raw:
        return None
    item = {k: attribute_values.deserialize(v) for k, v in raw.items()}
    if "expiresAt" in item and float(item["expiresAt"]) <= time.time():
        return None  # TTL deletes late; a read ignores what it would have deleted
    return TokenRecord(
        tenant_id=tenant_id,
        token_id=token_id,
        kind=str(item["kind"]),
        user_id=str(item["userId"]),
        secret_hash=str(item["secretHash"]),
        valid_until=int(item["validUntil"]),
        stamp=str(item["stamp"]),
        created_at=str(item["createdAt"]),
    )


def put(record: TokenRecord) -> TransactWriteItemTypeDef:
    """The transaction item that stores a new token (or puts a used one back, undoing its use)."""
    item = {
        "kind": record.kind,
        "userId": record.user_id,
        "secretHash": record.secret_hash,
        "validUntil": record.valid_until,
        "stamp": record.stamp,
        "createdAt": record.created_at,
        "expiresAt": record.valid_until + KEPT_AFTER_EXPIRY,
    }
    return {
        "Put": {
            "TableName": _table(),
            "Item": {**_key(record.tenant_id, PREFIX + record.token_id), **_wire(item)},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def use(record: TokenRecord) -> TransactWriteItemTypeDef:
    """The transaction item that uses the token up: gone, if it still holds the secret presented."""
    return {
        "Delete": {
            "TableName": _table(),
            "Key": _key(record.tenant_id, PREFIX + record.token_id),
            "ConditionExpression": "secretHash = :hash",
            "ExpressionAttributeValues": {":hash": {"S": record.secret_hash}},
        }
    }


def user_update(
    tenant_id: str,
    user_id: str,
    expression: str,
    *,
    condition: str,
    values: dict[str, Any],
    names: dict[str, str] | None = None,
) -> TransactWriteItemTypeDef:
    """An update of one user item, as a transaction item (beside the token it uses)."""
    update: Any = {
        "TableName": _table(),
        "Key": _key(tenant_id, USER_PREFIX + user_id),
        "UpdateExpression": expression,
        "ConditionExpression": condition,
        "ExpressionAttributeValues": _wire(values),
    }
    if names:
        update["ExpressionAttributeNames"] = names
    return {"Update": update}
