"""The `monitoring` table: the only module that reads or writes it.

Items:
- counters      `TENANT#t#METRICS` / `DAY#<yyyy-mm-dd>`: the day's counters (ADD), and gsi1
                `METRICS#DAY#<yyyy-mm-dd>` / `TENANT#t`, so one Query of the index gives every tenant's
                counters of a day (Prometheus) without a second copy of the numbers and without a Scan.
- counted event `TENANT#t#METRICS` / `EVENT#<eventId>`: put with `attribute_not_exists` in the same
                TransactWriteItems as the ADDs, so a redelivered event adds nothing. Expires after
                `MARKER_SECONDS`, longer than any redelivery (the kernel remembers event ids 14 days).
- execution     `JOBS` / `<startedAt>#<jobId>`; its claim `JOB#<jobId>` / `CLAIM` (same transaction,
                conditional: one execution per jobId) and the count `JOBS#COUNT` / `COUNT` (ADD).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from shared import aws, tables
from shared.config import settings
from shared.envelopes import Cursor
from shared.errors import InvalidRequest, ServiceUnavailable
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

MARKER_SECONDS = 35 * 24 * 3600
JOBS_PK = "JOBS"
_JOBS_COUNT = {"pk": "JOBS#COUNT", "sk": "COUNT"}
_CONFLICT_ATTEMPTS = 5  # every event of a tenant and day contends on one counters item
_NEW = "attribute_not_exists(pk)"
_serializer, _deserializer = TypeSerializer(), TypeDeserializer()


def _table() -> str:
    return settings().table_name("monitoring")


def metrics_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "METRICS")


def day_index_key(day: str) -> str:
    return f"METRICS#DAY#{day}"


def _wire(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items() if value is not None}


def _plain(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


# --- counters ----------------------------------------------------------------------------------------
def count_once(event_id: str, day: str, increments: Mapping[str, Mapping[str, int]]) -> bool:
    """Add `increments` ({tenant: {counter: n}}) to each tenant's `day`, all or nothing, once per event.
    True if added now; False if this event was already counted."""
    first = next(iter(increments))
    marker = {
        "pk": metrics_pk(first),
        "sk": f"EVENT#{event_id}",
        "day": day,
        "expiresAt": int(time.time()) + MARKER_SECONDS,
    }
    items: list[TransactWriteItemTypeDef] = [
        {"Put": {"TableName": _table(), "Item": _wire(marker), "ConditionExpression": _NEW}}
    ]
    items.extend(_add(tenant, day, counters) for tenant, counters in increments.items())
    reasons = _transact(items)
    if reasons is None:
        return True
    if reasons[0] == "ConditionalCheckFailed":
        return False
    raise ServiceUnavailable(f"The counters were not written: {reasons}")


def _add(tenant_id: str, day: str, counters: Mapping[str, int]) -> TransactWriteItemTypeDef:
    names = {"#g1pk": "gsi1pk", "#g1sk": "gsi1sk"}
    values: dict[str, Any] = {":g1pk": {"S": day_index_key(day)}, ":g1sk": {"S": tenant_key(tenant_id)}}
    adds = []
    for i, (name, amount) in enumerate(counters.items()):
        names[f"#c{i}"], values[f":c{i}"] = name, {"N": str(amount)}
        adds.append(f"#c{i} :c{i}")
    return {
        "Update": {
            "TableName": _table(),
            "Key": _wire({"pk": metrics_pk(tenant_id), "sk": f"DAY#{day}"}),
            "UpdateExpression": "ADD " + ", ".join(adds) + " SET #g1pk = :g1pk, #g1sk = :g1sk",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def days(tenant_id: str, first: str, last: str) -> dict[str, dict[str, int]]:
    """The tenant's counters of each day from `first` to `last` (inclusive) that has any: one Query."""
    paginator = aws.client("dynamodb").get_paginator("query")
    pages = paginator.paginate(
        TableName=_table(),
        KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
        ExpressionAttributeValues=_wire(
            {":pk": metrics_pk(tenant_id), ":first": f"DAY#{first}", ":last": f"DAY#{last}"}
        ),
    )
    found: dict[str, dict[str, int]] = {}
    for page in pages:
        for item in page.get("Items", []):
            found[item["sk"]["S"].removeprefix("DAY#")] = _numbers(item)
    return found


def every_tenant(day: str) -> dict[str, dict[str, int]]:
    """Every tenant's counters of `day`: one Query of the day index (eventually consistent)."""
    paginator = aws.client("dynamodb").get_paginator("query")
    pages = paginator.paginate(
        TableName=_table(),
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :day",
        ExpressionAttributeValues={":day": {"S": day_index_key(day)}},
    )
    found: dict[str, dict[str, int]] = {}
    for page in pages:
        for item in page.get("Items", []):
            found[item["gsi1sk"]["S"].removeprefix("TENANT#")] = _numbers(item)
    return found


def _numbers(item: Mapping[str, Any]) -> dict[str, int]:
    return {name: int(value["N"]) for name, value in item.items() if "N" in value}


# --- job executions ----------------------------------------------------------------------------------
def insert_execution(execution: Mapping[str, Any]) -> dict[str, Any]:
    """Store the execution once per jobId; → the stored one (the earlier report when there was one)."""
    sk = f"{execution['startedAt']}#{execution['jobId']}"
    claim = {"pk": f"JOB#{execution['jobId']}", "sk": "CLAIM", "executionSk": sk}
    record = {**execution, "pk": JOBS_PK, "sk": sk}
    reasons = _transact(
        [
            {"Put": {"TableName": _table(), "Item": _wire(claim), "ConditionExpression": _NEW}},
            {"Put": {"TableName": _table(), "Item": _wire(record), "ConditionExpression": _NEW}},
            {
                "Update": {
                    "TableName": _table(),
                    "Key": _wire(_JOBS_COUNT),
                    "UpdateExpression": "ADD #count :one",
                    "ExpressionAttributeNames": {"#count": "count"},
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
        ]
    )
    if reasons is None:
        return dict(execution)
    if reasons[0] != "ConditionalCheckFailed":
        raise ServiceUnavailable(f"The execution was not stored: {reasons}")
    stored = _get(f"JOB#{execution['jobId']}", "CLAIM")
    earlier = _get(JOBS_PK, str(stored["executionSk"])) if stored else None
    if earlier is None:  # the claim and the record are written together; one without the other is a bug
        raise ServiceUnavailable("The earlier execution of this job could not be read")
    return {k: v for k, v in earlier.items() if k not in ("pk", "sk")}


def _get(pk: str, sk: str) -> dict[str, Any] | None:
    found = aws.client("dynamodb").get_item(
        TableName=_table(), Key=_wire({"pk": pk, "sk": sk}), ConsistentRead=True
    )
    item = found.get("Item")
    return _plain(item) if item else None


def executions_total() -> int:
    found = _get(_JOBS_COUNT["pk"], _JOBS_COUNT["sk"])
    return int(found["count"]) if found else 0


def executions_page(*, page_size: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first; one more than the page is read, so the next cursor exists only if there is more."""
    start, page_number = Cursor.decode(cursor)
    request: dict[str, Any] = {
        "TableName": _table(),
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": JOBS_PK}},
        "ScanIndexForward": False,
        "Limit": page_size + 1,
    }
    if start is not None:
        if set(start) != {"pk", "sk"} or start["pk"] != {"S": JOBS_PK} or "S" not in start["sk"]:
            raise InvalidRequest("The cursor is not valid", field="cursor")
        request["ExclusiveStartKey"] = start
    items = aws.client("dynamodb").query(**request).get("Items", [])
    taken = items[:page_size]
    more = len(items) > page_size
    next_cursor = (
        Cursor.encode({"pk": taken[-1]["pk"], "sk": taken[-1]["sk"]}, page=page_number + 1) if more else None
    )
    return [{k: v for k, v in _plain(i).items() if k not in ("pk", "sk")} for i in taken], next_cursor


# --- transactions ------------------------------------------------------------------------------------
def _transact(items: list[TransactWriteItemTypeDef]) -> list[str] | None:
    return tables.transact(items, table="monitoring", attempts=_CONFLICT_ATTEMPTS)
