"""The `audit` table: the only module that reads or writes it.

Items (tenant `t`):
- record       `TENANT#t#AUDIT` / `<timestamp>#<eventId>`; gsi1 `TENANT#t#AUDIT#TYPE#<type>`, gsi2
               `TENANT#t#AUDIT#USER#<user>` (the subject user when the event names one, else the actor).
- actor copy   `TENANT#t#AUDIT#ACTOR` / same sk; only gsi2 on the actor. Written when the actor and the
               subject user differ, so that the user index finds a record by its actor *or* its subject
               with one Query; it lives outside the record partition and carries no type key, so neither
               the tenant listing nor the type index ever sees a record twice.
- counts       `TENANT#t#AUDIT#COUNTS` / `ALL`, `TYPE#<type>`, `USER#<user>` (ADD).

Everything an event writes is one TransactWriteItems whose puts are conditioned on
`attribute_not_exists(pk)`: a redelivered event fails the condition and adds nothing, counts included.
Nothing here updates or deletes a record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeSerializer

from functions.audit.models import AuditRecord
from shared import aws, tables
from shared.config import settings
from shared.envelopes import Cursor
from shared.errors import InvalidRequest, ServiceUnavailable
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_serializer = TypeSerializer()
_CONFLICT_ATTEMPTS = 4  # events of one tenant contend on its count items
_MAX_ROUNDS = 10  # a filtered page reads at most this many Query pages, then answers with a cursor
_NEW = "attribute_not_exists(pk)"


def _table() -> str:
    return settings().table_name("audit")


def records_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "AUDIT")


def _copies_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "AUDIT", "ACTOR")


def _counts_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id, "AUDIT", "COUNTS")


def type_key(tenant_id: str, event_type: str) -> str:
    return tenant_key(tenant_id, "AUDIT", "TYPE", event_type)


def user_key(tenant_id: str, user_id: str) -> str:
    return tenant_key(tenant_id, "AUDIT", "USER", user_id)


def _wire(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items() if value is not None}


# --- the write ---------------------------------------------------------------------------------------
def insert(record: AuditRecord) -> bool:
    """Record the event once. True if written now, False if it was already recorded."""
    t, users = record.tenant_id, record.users()
    body = {
        "sk": record.sk,
        "eventId": record.event_id,
        "type": record.type,
        "timestamp": record.timestamp,
        "actorId": record.actor_id,
        "subjectId": record.subject_id,
        "subjectUserId": record.subject_user_id,
        "requestId": record.request_id,
        "correlationId": record.correlation_id,
        "source": record.source,
        # Kept as the JSON the event carried: exact numbers, no float/Decimal round trip.
        "data": json.dumps(record.data, separators=(",", ":"), sort_keys=True),
    }
    main = {**body, "pk": records_pk(t), "gsi1pk": type_key(t, record.type), "gsi1sk": record.sk}
    if users:
        main |= {"gsi2pk": user_key(t, users[0]), "gsi2sk": record.sk}
    items: list[TransactWriteItemTypeDef] = [_put(main)]
    if len(users) > 1:
        copy = {**body, "pk": _copies_pk(t), "gsi2pk": user_key(t, users[1]), "gsi2sk": record.sk}
        items.append(_put(copy))
    counters = ["ALL", f"TYPE#{record.type}", *(f"USER#{u}" for u in users)]
    items.extend(_add_one(_counts_pk(t), sk) for sk in counters)
    reasons = _transact(items)
    if reasons is None:
        return True
    if "ConditionalCheckFailed" in reasons:
        return False
    raise ServiceUnavailable(f"The audit record was not written: {reasons}")


def _put(item: Mapping[str, Any]) -> TransactWriteItemTypeDef:
    return {"Put": {"TableName": _table(), "Item": _wire(item), "ConditionExpression": _NEW}}


def _add_one(pk: str, sk: str) -> TransactWriteItemTypeDef:
    return {
        "Update": {
            "TableName": _table(),
            "Key": _wire({"pk": pk, "sk": sk}),
            "UpdateExpression": "ADD #count :one",
            "ExpressionAttributeNames": {"#count": "count"},
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }


def _transact(items: list[TransactWriteItemTypeDef]) -> list[str] | None:
    return tables.transact(items, table="audit", attempts=_CONFLICT_ATTEMPTS)


# --- counts ------------------------------------------------------------------------------------------
def count(tenant_id: str, *, event_type: str | None = None, user_id: str | None = None) -> int:
    """The maintained count of the tenant's records: all, of one type, or naming one user."""
    sk = f"TYPE#{event_type}" if event_type else f"USER#{user_id}" if user_id else "ALL"
    found = aws.client("dynamodb").get_item(
        TableName=_table(), Key=_wire({"pk": _counts_pk(tenant_id), "sk": sk}), ConsistentRead=True
    )
    item = found.get("Item")
    return int(item["count"]["N"]) if item and "count" in item else 0


# --- the query ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Selection:
    """Which partition to read (the table, or an index) and what bounds and filter apply."""

    tenant_id: str
    index: str | None  # None: the record partition; "gsi1": by type; "gsi2": by user
    partition: str
    lower: str | None = None  # inclusive sort-key bounds
    upper: str | None = None
    user_filter: str | None = None  # on the type index: keep records whose actor or subject is this user

    @property
    def key_names(self) -> tuple[str, str]:
        return (f"{self.index}pk", f"{self.index}sk") if self.index else ("pk", "sk")


def page(selection: Selection, *, page_size: int, cursor: str | None) -> tuple[list[AuditRecord], str | None]:
    """One page, newest first, and the cursor of the next (None when there is no more)."""
    start, page_number = Cursor.decode(cursor)
    if start is not None:
        _check_cursor(selection, start)
    pk_name, sk_name = selection.key_names
    request: dict[str, Any] = {
        "TableName": _table(),
        "ScanIndexForward": False,
        "ExpressionAttributeNames": {"#pk": pk_name},
        "ExpressionAttributeValues": {":pk": {"S": selection.partition}},
    }
    condition = "#pk = :pk"
    values = request["ExpressionAttributeValues"]
    if selection.lower or selection.upper:
        request["ExpressionAttributeNames"]["#sk"] = sk_name
    if selection.lower and selection.upper:
        condition += " AND #sk BETWEEN :lower AND :upper"
        values |= {":lower": {"S": selection.lower}, ":upper": {"S": selection.upper}}
    elif selection.lower:
        condition += " AND #sk >= :lower"
        values[":lower"] = {"S": selection.lower}
    elif selection.upper:
        condition += " AND #sk <= :upper"
        values[":upper"] = {"S": selection.upper}
    request["KeyConditionExpression"] = condition
    if selection.index:
        request["IndexName"] = selection.index
    if selection.user_filter:
        request["FilterExpression"] = "actorId = :user OR subjectUserId = :user"
        values[":user"] = {"S": selection.user_filter}

    # One more than the page asks for: whether a further match exists says whether there is a next page
    # (the cursor is then the last record taken, so nothing read beyond it is lost).
    request["Limit"] = page_size + 1
    taken: list[dict[str, Any]] = []
    for _ in range(_MAX_ROUNDS):
        if start is not None:
            request["ExclusiveStartKey"] = start
        response = aws.client("dynamodb").query(**request)
        for item in response.get("Items", []):
            if len(taken) == page_size:
                last = {name: taken[-1][name] for name in {"pk", "sk", pk_name, sk_name}}
                return _records(selection.tenant_id, taken), Cursor.encode(last, page=page_number + 1)
            taken.append(item)
        start = response.get("LastEvaluatedKey")
        if start is None:
            return _records(selection.tenant_id, taken), None
    # The filter kept too little of what was read: answer what there is and let the client go on.
    return _records(selection.tenant_id, taken), Cursor.encode(start, page=page_number + 1)


def _check_cursor(selection: Selection, key: dict[str, Any]) -> None:
    """A cursor is opaque but not trusted: it must point into the same selection, or DynamoDB would
    refuse it (a 500) or start where it should not."""
    pk_name, sk_name = selection.key_names
    allowed_pks = {records_pk(selection.tenant_id)}
    if selection.index == "gsi2":
        allowed_pks.add(_copies_pk(selection.tenant_id))
    expected = {"pk", "sk", pk_name, sk_name}
    sk = key.get("sk", {}).get("S") if isinstance(key.get("sk"), dict) else None
    valid = (
        set(key) == expected
        and key.get(pk_name) == {"S": selection.partition}
        and key.get("pk", {}).get("S") in allowed_pks
        and isinstance(sk, str)
        and key.get(sk_name) == {"S": sk}
        and (selection.lower is None or sk >= selection.lower)
        and (selection.upper is None or sk <= selection.upper)
    )
    if not valid:
        raise InvalidRequest("The cursor is not valid", field="cursor")


def _records(tenant_id: str, items: list[dict[str, Any]]) -> list[AuditRecord]:
    def text(item: dict[str, Any], name: str) -> str | None:
        value = item.get(name, {}).get("S")
        return str(value) if value is not None else None

    return [
        AuditRecord(
            tenant_id=tenant_id,
            event_id=str(item["eventId"]["S"]),
            type=str(item["type"]["S"]),
            timestamp=str(item["timestamp"]["S"]),
            source=str(item["source"]["S"]),
            actor_id=text(item, "actorId"),
            subject_id=text(item, "subjectId"),
            subject_user_id=text(item, "subjectUserId"),
            request_id=text(item, "requestId"),
            correlation_id=text(item, "correlationId"),
            data=json.loads(text(item, "data") or "{}"),
        )
        for item in items
    ]
