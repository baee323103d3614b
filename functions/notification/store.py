"""The `notifications` table: this module and `inbox_store` are the only ones that read or write it.

Items (docs/platform-services.md): per user `TENANT#t#USER#u` holds `PREFERENCES` and `RECIPIENT`;
`TENANT#t#ADMINS` / `USER#u` lists a tenant's admins; `TENANT#t#DELIVERY#<key>` / `<channel>#<target>`
records each send. The inbox (items and counters) is `inbox_store`'s, split off only to keep modules
short; it builds on the keys and helpers here. Every change that must happen once (a delivery, an inbox
item and its counts, a read mark) is a condition or a transaction DynamoDB evaluates, never a read
followed by a write.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from shared import aws, tables
from shared.config import settings
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_ser = TypeSerializer()
_de = TypeDeserializer()
_CONFLICT_ATTEMPTS = 4
# Delivery records outlive any redelivery (the subscriber remembers event ids for 14 days).
DELIVERY_TTL_SECONDS = 30 * 24 * 3600
# A `sending` claim older than this belongs to an invocation that died (functions time out at 30 s).
STALE_CLAIM_SECONDS = 120
ADMIN_PREFIX = "USER#"


# --- keys and helpers (inbox_store uses them too) ----------------------------------------------------------
def user_pk(tenant_id: str, user_id: str) -> str:
    return tenant_key(tenant_id, "USER", user_id)


def inbox_pk(tenant_id: str, user_id: str) -> str:
    return tenant_key(tenant_id, "USER", user_id, "INBOX")


def unread_pk(tenant_id: str, user_id: str) -> str:
    return tenant_key(tenant_id, "USER", user_id, "UNREAD")


def admins_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "ADMINS")


def delivery_pk(tenant_id: str, delivery_key: str) -> str:
    return tenant_key(tenant_id, "DELIVERY", delivery_key)


def table() -> str:
    return settings().table_name("notifications")


def wire(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _ser.serialize(value) for name, value in item.items() if value is not None}


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def plain(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _de.deserialize(value) for name, value in attributes.items()}


def values(**values: Any) -> dict[str, Any]:
    return {f":{name}": _ser.serialize(value) for name, value in values.items()}


def db() -> Any:
    return aws.client("dynamodb")


def get(pk: str, sk: str) -> dict[str, Any] | None:
    found = db().get_item(TableName=table(), Key=key(pk, sk), ConsistentRead=True).get("Item")
    return plain(found) if found else None


def failed_condition(exc: ClientError) -> bool:
    return bool(exc.response["Error"]["Code"] == "ConditionalCheckFailedException")


def transact(items: list[TransactWriteItemTypeDef]) -> list[str] | None:
    """None on success, else each item's cancellation reason; conflicts are retried with jitter."""
    return tables.transact(items, table="notifications", attempts=_CONFLICT_ATTEMPTS)


# --- preferences -------------------------------------------------------------------------------------
def get_preferences(tenant_id: str, user_id: str) -> dict[str, Any]:
    return get(user_pk(tenant_id, user_id), "PREFERENCES") or {}


def set_preferences(tenant_id: str, user_id: str, changes: Mapping[str, bool]) -> dict[str, Any]:
    """SET only the given channels (one UpdateItem: two racing changes of different channels both stick)."""
    if not changes:
        return get_preferences(tenant_id, user_id)
    names = {f"#c{n}": name for n, name in enumerate(changes)}
    given = {f"v{n}": value for n, value in enumerate(changes.values())}
    response = db().update_item(
        TableName=table(),
        Key=key(user_pk(tenant_id, user_id), "PREFERENCES"),
        UpdateExpression="SET " + ", ".join(f"#c{n} = :v{n}" for n in range(len(changes))),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values(**given),
        ReturnValues="ALL_NEW",
    )
    return plain(response["Attributes"])


def delete_preferences(tenant_id: str, user_id: str) -> None:
    db().delete_item(TableName=table(), Key=key(user_pk(tenant_id, user_id), "PREFERENCES"))


# --- the recipient projection ------------------------------------------------------------------------
def get_recipient(tenant_id: str, user_id: str) -> dict[str, Any] | None:
    return get(user_pk(tenant_id, user_id), "RECIPIENT")


def update_recipient(
    tenant_id: str, user_id: str, *, put: Mapping[str, Any], drop: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Upsert: SET `put`, REMOVE `drop`; → the recipient after it. An upsert, so that a role change
    projected before the user's creation is kept, and the creation completes the item."""
    names = {f"#p{n}": name for n, name in enumerate(put)} | {f"#d{n}": name for n, name in enumerate(drop)}
    clauses = []
    if put:
        clauses.append("SET " + ", ".join(f"#p{n} = :p{n}" for n in range(len(put))))
    if drop:
        clauses.append("REMOVE " + ", ".join(f"#d{n}" for n in range(len(drop))))
    if not clauses:
        return get_recipient(tenant_id, user_id) or {}
    request: dict[str, Any] = {
        "TableName": table(),
        "Key": key(user_pk(tenant_id, user_id), "RECIPIENT"),
        "UpdateExpression": " ".join(clauses),
        "ExpressionAttributeNames": names,
        "ReturnValues": "ALL_NEW",
    }
    if put:
        request["ExpressionAttributeValues"] = values(**{f"p{n}": v for n, v in enumerate(put.values())})
    return plain(db().update_item(**request)["Attributes"])


def delete_recipient(tenant_id: str, user_id: str) -> None:
    db().delete_item(TableName=table(), Key=key(user_pk(tenant_id, user_id), "RECIPIENT"))


def put_admin(tenant_id: str, user_id: str, *, email: str, phone: str | None) -> None:
    item = {"pk": admins_pk(tenant_id), "sk": f"{ADMIN_PREFIX}{user_id}", "email": email, "phone": phone}
    db().put_item(TableName=table(), Item=wire(item))


def delete_admin(tenant_id: str, user_id: str) -> None:
    db().delete_item(TableName=table(), Key=key(admins_pk(tenant_id), f"{ADMIN_PREFIX}{user_id}"))


def list_admins(tenant_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(userId, item) of every admin of the tenant: one partition, a handful of items, paged through."""
    admins: list[tuple[str, dict[str, Any]]] = []
    request: dict[str, Any] = {
        "TableName": table(),
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": values(pk=admins_pk(tenant_id)),
        "ConsistentRead": True,
    }
    while True:
        response = db().query(**request)
        for raw in response.get("Items", []):
            item = plain(raw)
            admins.append((str(item["sk"]).removeprefix(ADMIN_PREFIX), item))
        if not response.get("LastEvaluatedKey"):
            return admins
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


# --- deliveries --------------------------------------------------------------------------------------
def delivery_item(pk: str, sk: str, status: str, template: str, **extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return (
        {"pk": pk, "sk": sk, "status": status, "template": template, "at": now}
        | extra
        | {"expiresAt": now + DELIVERY_TTL_SECONDS}
    )


def get_delivery(pk: str, sk: str) -> dict[str, Any] | None:
    return get(pk, sk)


def record_skipped(pk: str, sk: str, *, template: str, reason: str) -> None:
    """Record a channel the recipient did not get, unless that delivery already has a record."""
    try:
        db().put_item(
            TableName=table(),
            Item=wire(delivery_item(pk, sk, "skipped", template, error=reason)),
            ConditionExpression="attribute_not_exists(pk)",
        )
    except ClientError as exc:
        if not failed_condition(exc):
            raise


def claim(pk: str, sk: str, *, template: str) -> bool:
    """Take the right to send one delivery: True only for the one invocation that may send now. A failed
    delivery (or a claim its dead invocation left behind) may be claimed again; a sent one never."""
    now = int(time.time())
    try:
        db().put_item(
            TableName=table(),
            Item=wire(delivery_item(pk, sk, "sending", template, claimedAt=now)),
            ConditionExpression=(
                "attribute_not_exists(pk) OR #s = :failed OR (#s = :sending AND claimedAt < :stale)"
            ),
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues=values(
                failed="failed", sending="sending", stale=now - STALE_CLAIM_SECONDS
            ),
        )
    except ClientError as exc:
        if failed_condition(exc):
            return False
        raise
    return True


def finish(
    pk: str, sk: str, *, status: str, provider_id: str | None = None, error: str | None = None
) -> None:
    """Record how a claimed delivery ended (`sent` with the provider's id, or `failed` with why)."""
    sets = {"status": status, "at": int(time.time()), "providerId": provider_id, "error": error}
    given = {k: v for k, v in sets.items() if v is not None}
    db().update_item(
        TableName=table(),
        Key=key(pk, sk),
        UpdateExpression="SET " + ", ".join(f"#{k} = :{k}" for k in given) + " REMOVE claimedAt",
        ExpressionAttributeNames={f"#{k}": k for k in given},
        ExpressionAttributeValues=values(**given),
    )
