"""The `INVITE#<invitationId>` items of the users table (one per invitation, in the tenant's partition).

| attribute | meaning |
|---|---|
| email, roles | who is invited, holding exactly which roles once accepted |
| status | `pending` → `accepted` (acceptedUserId) or `revoked`; "expired" is read from validUntil |
| secretHash | sha256 of the token's secret (never the token) |
| validUntil | epoch seconds (7 days after the invitation) |
| invitedBy, createdAt, updatedAt | |
| expiresAt | TTL: 30 days after validUntil (listed until then, with its final status) |

Ids start with their creation time, so a Query of the partition's `INVITE#` items backwards lists the
newest first. Accepting is one condition in the transaction that creates the user (`accept`): pending,
unexpired and the same secret, so an invitation is accepted once, and never after a revoke.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from functions.users import attribute_values
from functions.users.store import partition
from shared import aws, outbox
from shared.config import settings
from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from shared.events.model import ServiceEvent

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

PREFIX = "INVITE#"
KEPT_AFTER_EXPIRY = 30 * 24 * 3600


@dataclass(frozen=True)
class InvitationRecord:
    tenant_id: str
    invitation_id: str
    email: str
    roles: tuple[str, ...]
    status: str
    secret_hash: str
    valid_until: int
    invited_by: str
    created_at: str
    updated_at: str
    accepted_user_id: str | None = None


def _table() -> str:
    return settings().table_name("users")


def _key(tenant_id: str, invitation_id: str) -> dict[str, Any]:
    return {"pk": {"S": partition(tenant_id)}, "sk": {"S": PREFIX + invitation_id}}


def _values(**values: Any) -> dict[str, Any]:
    return {f":{name}": attribute_values.serialize(value) for name, value in values.items()}


def _record(tenant_id: str, raw: Mapping[str, Any]) -> InvitationRecord:
    item = {k: attribute_values.deserialize(v) for k, v in raw.items()}
    return InvitationRecord(
        tenant_id=tenant_id,
        invitation_id=str(item["sk"]).removeprefix(PREFIX),
        email=str(item["email"]),
        roles=tuple(str(r) for r in item.get("roles", [])),
        status=str(item["status"]),
        secret_hash=str(item["secretHash"]),
        valid_until=int(item["validUntil"]),
        invited_by=str(item["invitedBy"]),
        created_at=str(item["createdAt"]),
        updated_at=str(item.get("updatedAt", item["createdAt"])),
        accepted_user_id=str(item["acceptedUserId"]) if item.get("acceptedUserId") else None,
    )


def _live(raw: Mapping[str, Any]) -> bool:
    expires = raw.get("expiresAt", {}).get("N")
    return expires is None or float(expires) > time.time()


# --- reads -------------------------------------------------------------------------------------------
def get(tenant_id: str, invitation_id: str) -> InvitationRecord | None:
    found = aws.client("dynamodb").get_item(
        TableName=_table(), Key=_key(tenant_id, invitation_id), ConsistentRead=True
    )
    raw = found.get("Item")
    return _record(tenant_id, raw) if raw and _live(raw) else None


def page(tenant_id: str, *, page_size: int, cursor: str | None) -> tuple[list[InvitationRecord], str | None]:
    """One page of the tenant's invitations, newest first (a Query of its partition, never a Scan)."""
    pk = partition(tenant_id)
    last_key, number = Cursor.decode(cursor)
    if last_key is not None:
        sk = last_key.get("sk", {}).get("S") if isinstance(last_key.get("sk"), dict) else None
        if last_key.get("pk") != {"S": pk} or set(last_key) != {"pk", "sk"} or not str(sk).startswith(PREFIX):
            raise InvalidRequest("The cursor is not valid", field="cursor")
    request: dict[str, Any] = {
        "TableName": _table(),
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
        "ExpressionAttributeValues": _values(pk=pk, prefix=PREFIX),
        "ScanIndexForward": False,
        "Limit": page_size,
        "ConsistentRead": True,
    }
    if last_key is not None:
        request["ExclusiveStartKey"] = last_key
    found = aws.client("dynamodb").query(**request)
    records = [_record(tenant_id, raw) for raw in found.get("Items", []) if _live(raw)]
    return records, Cursor.encode(found.get("LastEvaluatedKey"), page=number + 1)


# --- writes ------------------------------------------------------------------------------------------
def insert(record: InvitationRecord, event: ServiceEvent) -> None:
    """Store a new invitation with its event's outbox entry (one transaction)."""
    item = {
        "email": record.email,
        "roles": list(record.roles),
        "status": record.status,
        "secretHash": record.secret_hash,
        "validUntil": record.valid_until,
        "invitedBy": record.invited_by,
        "createdAt": record.created_at,
        "updatedAt": record.updated_at,
        "expiresAt": record.valid_until + KEPT_AFTER_EXPIRY,
    }
    put: Any = {
        "TableName": _table(),
        "Item": {
            **_key(record.tenant_id, record.invitation_id),
            **{k: attribute_values.serialize(v) for k, v in item.items()},
        },
        "ConditionExpression": "attribute_not_exists(pk)",
    }
    if outbox.transact([{"Put": put}], [event], table="users") is not None:
        raise RuntimeError(f"invitation id collided: {record.invitation_id}")  # 80 random bits: not expected


def accept(record: InvitationRecord, user_id: str, *, now: int, at: str) -> TransactWriteItemTypeDef:
    """The transaction item that accepts the invitation for `user_id` (beside the user's creation): only
    while it is pending, unexpired and holds the secret presented."""
    update: Any = {
        "TableName": _table(),
        "Key": _key(record.tenant_id, record.invitation_id),
        "UpdateExpression": "SET #status = :accepted, acceptedUserId = :user, updatedAt = :at",
        "ConditionExpression": "#status = :pending AND secretHash = :hash AND validUntil > :now",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": _values(
            accepted="accepted", user=user_id, at=at, pending="pending", hash=record.secret_hash, now=now
        ),
    }
    return {"Update": update}


def reopen(record: InvitationRecord, user_id: str, *, at: str) -> TransactWriteItemTypeDef:
    """Undo `accept` (the user's roles could not be given): pending again, if still accepted by it."""
    update: Any = {
        "TableName": _table(),
        "Key": _key(record.tenant_id, record.invitation_id),
        "UpdateExpression": "SET #status = :pending, updatedAt = :at REMOVE acceptedUserId",
        "ConditionExpression": "#status = :accepted AND acceptedUserId = :user",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": _values(pending="pending", accepted="accepted", user=user_id, at=at),
    }
    return {"Update": update}


def revoke(record: InvitationRecord, *, at: str, event: ServiceEvent) -> bool:
    """pending → revoked with its event (one transaction); False when it is no longer pending."""
    update: Any = {
        "TableName": _table(),
        "Key": _key(record.tenant_id, record.invitation_id),
        "UpdateExpression": "SET #status = :revoked, updatedAt = :at",
        "ConditionExpression": "#status = :pending",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": _values(revoked="revoked", pending="pending", at=at),
    }
    return outbox.transact([{"Update": update}], [event], table="users") is None
