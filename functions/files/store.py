"""The `files` table's reads and writes (the layout is `functions.files.layout`). The only module that
touches the table.

Every status change is conditioned on the status it starts from, and the maintained counts move in the
same TransactWriteItems, so two concurrent completes or deletes can never both count (or both release).
A write that causes events takes them (`events`): their outbox entries join its transaction
(shared.outbox), so the change and its events are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeSerializer

from functions.files.layout import (
    ALL_SK,
    FILE_SK,
    INDEX_ATTRIBUTES,
    PENDING,
    FileRecord,
    count_pk,
    file_pk,
    files_partition,
    folder_partition,
    folder_sk,
    from_item,
    pending_item,
    pending_partition,
)
from shared import aws, outbox
from shared.config import settings
from shared.envelopes import Cursor
from shared.errors import InvalidRequest, ServiceUnavailable
from shared.events.model import ServiceEvent
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_serializer = TypeSerializer()
_CONFLICT_ATTEMPTS = 4


def _table() -> str:
    return settings().table_name("files")


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _wire(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items() if value is not None}


def _values(**values: Any) -> dict[str, Any]:
    return {f":{name}": _serializer.serialize(value) for name, value in values.items()}


# --- reads -------------------------------------------------------------------------------------------
def get(tenant_id: str, file_id: str) -> FileRecord | None:
    response = aws.client("dynamodb").get_item(
        TableName=_table(), Key=_key(file_pk(tenant_id, file_id), FILE_SK), ConsistentRead=True
    )
    item = response.get("Item")
    return from_item(item) if item else None


def total(tenant_id: str, folder: str | None) -> int:
    sk = folder_sk(folder) if folder is not None else ALL_SK
    response = aws.client("dynamodb").get_item(
        TableName=_table(), Key=_key(count_pk(tenant_id), sk), ConsistentRead=True
    )
    item = response.get("Item")
    return max(0, int(item["count"]["N"])) if item and "count" in item else 0


def page(
    tenant_id: str, *, folder: str | None, page_size: int, cursor: str | None
) -> tuple[list[FileRecord], str | None]:
    """One page of available files, newest first: of a folder (gsi1) or of the whole tenant (gsi2)."""
    index, partition = (
        ("gsi1", folder_partition(tenant_id, folder))
        if folder is not None
        else ("gsi2", files_partition(tenant_id))
    )
    last_key, number = Cursor.decode(cursor)
    if last_key is not None:
        _check_cursor(last_key, index, partition, tenant_id)
    request: dict[str, Any] = {
        "TableName": _table(),
        "IndexName": index,
        "KeyConditionExpression": f"{index}pk = :p",
        "ExpressionAttributeValues": _values(p=partition),
        "ScanIndexForward": False,
        "Limit": page_size,
    }
    if last_key is not None:
        request["ExclusiveStartKey"] = last_key
    response = aws.client("dynamodb").query(**request)
    records = [from_item(item) for item in response.get("Items", [])]
    return records, Cursor.encode(response.get("LastEvaluatedKey"), page=number + 1)


def _check_cursor(key: dict[str, Any], index: str, partition: str, tenant_id: str) -> None:
    """A cursor is opaque but not trusted: it must point into this listing of this tenant, or DynamoDB
    would refuse it (a 500) or start somewhere it should not."""
    expected = {"pk", "sk", f"{index}pk", f"{index}sk"}
    ok = (
        set(key) == expected
        and all(isinstance(v, dict) and set(v) == {"S"} for v in key.values())
        and key[f"{index}pk"]["S"] == partition
        and key["sk"]["S"] == FILE_SK
        and str(key["pk"]["S"]).startswith(tenant_key(tenant_id, "FILE") + "#")
    )
    if not ok:
        raise InvalidRequest("The cursor is not valid", field="cursor")


def _query_all(request: dict[str, Any]) -> Iterator[dict[str, Any]]:
    while True:
        response = aws.client("dynamodb").query(**request)
        yield from response.get("Items", [])
        if "LastEvaluatedKey" not in response:
            return
        request = {**request, "ExclusiveStartKey": response["LastEvaluatedKey"]}


def pending_before(cutoff: str, limit: int) -> list[FileRecord]:
    """Up to `limit` pending uploads of any tenant created before `cutoff` (ISO), oldest first."""
    found: list[FileRecord] = []
    request = {
        "TableName": _table(),
        "IndexName": "gsi3",
        "KeyConditionExpression": "gsi3pk = :p AND gsi3sk < :cutoff",
        "ExpressionAttributeValues": _values(p=PENDING, cutoff=cutoff),
        "Limit": limit,
    }
    for item in _query_all(request):
        found.append(from_item(item))
        if len(found) >= limit:
            break
    return found


def held_by(tenant_id: str) -> tuple[int, int, int]:
    """(bytes, pending files, available files) of the tenant's records, from the gsi2 partitions."""
    totals = []
    for partition in (pending_partition(tenant_id), files_partition(tenant_id)):
        request = {
            "TableName": _table(),
            "IndexName": "gsi2",
            "KeyConditionExpression": "gsi2pk = :p",
            "ExpressionAttributeValues": _values(p=partition),
            "ProjectionExpression": "fileSize",
        }
        sizes = [int(item["fileSize"]["N"]) for item in _query_all(request)]
        totals.append((sum(sizes), len(sizes)))
    (pending_bytes, pending), (available_bytes, available) = totals
    return pending_bytes + available_bytes, pending, available


# --- writes ------------------------------------------------------------------------------------------
def insert_pending(record: FileRecord, *, events: Sequence[ServiceEvent] = ()) -> None:
    """The new upload's record (a fresh id: never there already), with its events' outbox entries."""
    item, new = _wire(pending_item(record)), "attribute_not_exists(pk)"
    if not events:  # a plain PutItem costs half of a one-item transaction
        aws.client("dynamodb").put_item(TableName=_table(), Item=item, ConditionExpression=new)
    elif not _transact([{"Put": {"TableName": _table(), "Item": item, "ConditionExpression": new}}], events):
        raise ServiceUnavailable("The new file id is taken; request the upload again")


def make_available(
    record: FileRecord, *, checksum: str, etag: str, now: str, events: Sequence[ServiceEvent] = ()
) -> bool:
    """pending → available, into both listings, counted once. False when it was no longer pending."""
    t, order = record.tenant_id, record.order
    return _transact(
        [
            _status_change(
                record,
                "available",
                now,
                sets={
                    "checksum": checksum,
                    "etag": etag,
                    "gsi1pk": folder_partition(t, record.folder),
                    "gsi1sk": order,
                    "gsi2pk": files_partition(t),
                },
                removes=("gsi3pk", "gsi3sk"),
            ),
            _count_change(t, folder_sk(record.folder), +1),
            _count_change(t, ALL_SK, +1),
        ],
        events,
    )


def quarantine(
    record: FileRecord, *, quarantine_key: str, now: str, events: Sequence[ServiceEvent] = ()
) -> bool:
    """pending → quarantined, out of every index. False when it was no longer pending."""
    return _transact(
        [
            _status_change(
                record, "quarantined", now, sets={"quarantineKey": quarantine_key}, removes=INDEX_ATTRIBUTES
            )
        ],
        events,
    )


def remove(record: FileRecord, *, events: Sequence[ServiceEvent] = ()) -> bool:
    """Delete the record if it still has the status we saw (an available one counted one less).
    False when it changed or vanished meanwhile: whoever changed it did (or will do) the accounting."""
    delete: TransactWriteItemTypeDef = {
        "Delete": {
            "TableName": _table(),
            "Key": _key(file_pk(record.tenant_id, record.file_id), FILE_SK),
            "ConditionExpression": "#status = :seen",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": _values(seen=record.status),
        }
    }
    items = [delete]
    if record.status == "available":
        items += [
            _count_change(record.tenant_id, folder_sk(record.folder), -1),
            _count_change(record.tenant_id, ALL_SK, -1),
        ]
    return _transact(items, events)


def _status_change(
    record: FileRecord, status: str, now: str, *, sets: Mapping[str, str], removes: tuple[str, ...]
) -> TransactWriteItemTypeDef:
    names = {"#status": "status", **{f"#{name}": name for name in sets}}
    values = _values(status=status, now=now, pending="pending", **sets)
    assignments = ", ".join(["#status = :status", "updatedAt = :now", *(f"#{n} = :{n}" for n in sets)])
    return {
        "Update": {
            "TableName": _table(),
            "Key": _key(file_pk(record.tenant_id, record.file_id), FILE_SK),
            "UpdateExpression": f"SET {assignments} REMOVE {', '.join(removes)}",
            "ConditionExpression": "#status = :pending",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def _count_change(tenant_id: str, sk: str, delta: int) -> TransactWriteItemTypeDef:
    return {
        "Update": {
            "TableName": _table(),
            "Key": _key(count_pk(tenant_id), sk),
            "UpdateExpression": "ADD #count :delta",
            "ExpressionAttributeNames": {"#count": "count"},
            "ExpressionAttributeValues": _values(delta=delta),
        }
    }


def _transact(items: list[TransactWriteItemTypeDef], events: Sequence[ServiceEvent] = ()) -> bool:
    """True if it was written (with the events' outbox entries), False if a condition failed; any other
    cancellation is an error."""
    reasons = outbox.transact(items, events, table="files", attempts=_CONFLICT_ATTEMPTS)
    if reasons is None:
        return True
    if "ConditionalCheckFailed" in reasons:
        return False
    raise ServiceUnavailable(f"The files transaction was cancelled: {reasons}")
