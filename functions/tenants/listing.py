"""The platform admins' tenant list (`GET /api/v1/tenants?status=&plan=`): listing items keyed on gsi1,
so every filter is a Query of one index partition, never a Scan.

Each tenant has, beside its `TENANT` item (listed under `TENANTS` on gsi1, in id order), two listing
items in its own partition (so whatever removes the tenant's partition removes them too):

| sk | gsi1pk | gsi1sk |
|---|---|---|
| `LISTING#STATUS` | `TENANTS#STATUS#<status>` | `<tenantId>` |
| `LISTING#PLAN` | `TENANTS#PLAN#<plan>` | `<status>#<tenantId>` |

A status filter reads the first kind, a plan filter (with or without a status) the second. They are
written in the same transaction as the status or plan change they mirror (`store`), so a list never
disagrees with the tenants it returns for longer than the index takes to catch up. The tenants of a page
are then read in one BatchGetItem."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shared import aws
from shared.config import settings
from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

TABLE = "tenants"
DIRECTORY = "TENANTS"  # the tenant items themselves (store.put_new)
STATUS_SK = "LISTING#STATUS"
PLAN_SK = "LISTING#PLAN"
_KEYS = {"pk", "sk", "gsi1pk", "gsi1sk"}


def _table() -> str:
    return settings().table_name(TABLE)


def _key(tenant_id: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": tenant_key(tenant_id)}, "sk": {"S": sk}}


def status_partition(status: str) -> str:
    return f"{DIRECTORY}#STATUS#{status}"


def plan_partition(plan: str) -> str:
    return f"{DIRECTORY}#PLAN#{plan}"


# --- the writes (transaction items the store adds to the change they mirror) ------------------------
def put_items(tenant_id: str, status: str, plan: str) -> list[TransactWriteItemTypeDef]:
    return [
        {
            "Put": {
                "TableName": _table(),
                "Item": {
                    **_key(tenant_id, STATUS_SK),
                    "gsi1pk": {"S": status_partition(status)},
                    "gsi1sk": {"S": tenant_id},
                },
            }
        },
        {
            "Put": {
                "TableName": _table(),
                "Item": {
                    **_key(tenant_id, PLAN_SK),
                    "gsi1pk": {"S": plan_partition(plan)},
                    "gsi1sk": {"S": f"{status}#{tenant_id}"},
                },
            }
        },
    ]


def _set(tenant_id: str, sk: str, values: Mapping[str, str]) -> TransactWriteItemTypeDef:
    """An upsert: a tenant made before listing items existed gets them with its next change."""
    update: Any = {
        "TableName": _table(),
        "Key": _key(tenant_id, sk),
        "UpdateExpression": "SET " + ", ".join(f"{name} = :{name}" for name in values),
        "ExpressionAttributeValues": {f":{name}": {"S": value} for name, value in values.items()},
    }
    return {"Update": update}


def status_moved(tenant_id: str, status: str) -> list[TransactWriteItemTypeDef]:
    return [
        _set(tenant_id, STATUS_SK, {"gsi1pk": status_partition(status), "gsi1sk": tenant_id}),
        _set(tenant_id, PLAN_SK, {"gsi1sk": f"{status}#{tenant_id}"}),
    ]


def plan_moved(tenant_id: str, plan: str, status: str) -> list[TransactWriteItemTypeDef]:
    return [_set(tenant_id, PLAN_SK, {"gsi1pk": plan_partition(plan), "gsi1sk": f"{status}#{tenant_id}"})]


def delete_items(tenant_id: str) -> list[TransactWriteItemTypeDef]:
    return [{"Delete": {"TableName": _table(), "Key": _key(tenant_id, sk)}} for sk in (STATUS_SK, PLAN_SK)]


# --- the read ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Selection:
    partition: str
    prefix: str | None = None  # a gsi1sk prefix (a status inside a plan's partition)


def selection(status: str | None, plan: str | None) -> Selection:
    if plan is not None:
        return Selection(plan_partition(plan), f"{status}#" if status else None)
    if status is not None:
        return Selection(status_partition(status))
    return Selection(DIRECTORY)


def page(chosen: Selection, *, page_size: int, cursor: str | None) -> tuple[list[str], str | None]:
    """One page of tenant ids of the selection, and the next cursor."""
    last_key, number = Cursor.decode(cursor)
    if last_key is not None and (set(last_key) != _KEYS or last_key.get("gsi1pk") != {"S": chosen.partition}):
        raise InvalidRequest("The cursor is not valid", field="cursor")
    condition = "gsi1pk = :pk" + (" AND begins_with(gsi1sk, :prefix)" if chosen.prefix else "")
    values: dict[str, Any] = {":pk": {"S": chosen.partition}}
    if chosen.prefix:
        values[":prefix"] = {"S": chosen.prefix}
    request: dict[str, Any] = {
        "TableName": _table(),
        "IndexName": "gsi1",
        "KeyConditionExpression": condition,
        "ExpressionAttributeValues": values,
        "Limit": page_size,
    }
    if last_key is not None:
        request["ExclusiveStartKey"] = last_key
    found = aws.client("dynamodb").query(**request)
    ids = [_tenant_id(item) for item in found.get("Items", [])]
    return ids, Cursor.encode(found.get("LastEvaluatedKey"), page=number + 1)


def _tenant_id(item: Mapping[str, Any]) -> str:
    return str(item["pk"]["S"]).removeprefix("TENANT#")
