"""The `sessions` table: sessions and user/tenant principals (the only module that talks to DynamoDB).

Plain boto3 rather than pynamodb models: the check reads three items of different kinds in one
BatchGetItem, and the rotation and epoch bumps are conditional/ADD updates that return what they wrote.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from shared import aws
from shared.config import settings
from shared.errors import CacheUnavailable
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

    Attrs = Mapping[str, AttributeValueTypeDef]

SESSION_SK = "SESSION"
PRINCIPAL_SK = "PRINCIPAL"
_BATCH_ATTEMPTS = 4
# A bump marker outlives any redelivery (the subscriber's idempotency window is 14 days too).
MARKER_SECONDS = 14 * 24 * 3600


@dataclass(frozen=True)
class SessionRecord:
    tenant_id: str
    session_id: str
    user_id: str
    refresh_hash: str
    previous_hashes: tuple[str, ...]
    expires_at: int
    revoked: bool
    # The user's session generation when the session opened: a later generation ends it (end_all).
    generation: int = 0

    def is_expired(self, now: float) -> bool:
        return self.expires_at <= now


@dataclass(frozen=True)
class Principal:
    epoch: int
    status: str
    # Moved only by `end_sessions`: sessions opened under an earlier generation have ended.
    generation: int = 0


def _table() -> str:
    return settings().table_name("sessions")


def _key(pk: str, sk: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def session_pk(tenant_id: str, session_id: str) -> str:
    return tenant_key(tenant_id, "SESSION", session_id)


def user_pk(tenant_id: str, user_id: str) -> str:
    return tenant_key(tenant_id, "USER", user_id)


def tenant_pk(tenant_id: str) -> str:
    return tenant_key(tenant_id)


def _is_condition_failure(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


# --- sessions ----------------------------------------------------------------------------------------
def put_session(record: SessionRecord, *, created_at: str, ip: str | None, user_agent: str | None) -> None:
    """A new session; the condition makes a (astronomically unlikely) id collision fail, not overwrite."""
    item: dict[str, AttributeValueTypeDef] = {
        **_key(session_pk(record.tenant_id, record.session_id), SESSION_SK),
        "userId": {"S": record.user_id},
        "refreshHash": {"S": record.refresh_hash},
        "previousHashes": {"L": []},
        "createdAt": {"S": created_at},
        "expiresAt": {"N": str(record.expires_at)},
        "revoked": {"BOOL": False},
        "generation": {"N": str(record.generation)},
        # Listed by expiry day on gsi1, so the purge job finds expired sessions without a Scan (DynamoDB's
        # TTL deletes them too, but late, and emulators never do).
        "gsi1pk": {"S": expiry_partition(record.expires_at)},
        "gsi1sk": {"S": f"{record.expires_at:012d}#{record.tenant_id}#{record.session_id}"},
    }
    if ip:
        item["ip"] = {"S": ip}
    if user_agent:
        item["userAgent"] = {"S": user_agent}
    aws.client("dynamodb").put_item(
        TableName=_table(), Item=item, ConditionExpression="attribute_not_exists(pk)"
    )


def get_session(tenant_id: str, session_id: str) -> SessionRecord | None:
    """The session even when expired: callers must tell `expired` from `unknown` (and check expiry)."""
    found = aws.client("dynamodb").get_item(
        TableName=_table(), Key=_key(session_pk(tenant_id, session_id), SESSION_SK), ConsistentRead=True
    )
    item = found.get("Item")
    return _session(tenant_id, session_id, item) if item else None


def replace_hash(
    tenant_id: str,
    session_id: str,
    *,
    presented: str,
    new_hash: str,
    previous: Sequence[str],
    now: int,
) -> bool:
    """Swap the current hash for `new_hash` iff it is still `presented` (one conditional UpdateItem).
    False when another rotation won the race, or the session was revoked or expired meanwhile."""
    try:
        aws.client("dynamodb").update_item(
            TableName=_table(),
            Key=_key(session_pk(tenant_id, session_id), SESSION_SK),
            UpdateExpression="SET refreshHash = :new, previousHashes = :previous",
            ConditionExpression="refreshHash = :presented AND revoked = :false AND expiresAt > :now",
            ExpressionAttributeValues={
                ":new": {"S": new_hash},
                ":previous": {"L": [{"S": h} for h in previous]},
                ":presented": {"S": presented},
                ":false": {"BOOL": False},
                ":now": {"N": str(now)},
            },
        )
    except ClientError as exc:
        if _is_condition_failure(exc):
            return False
        raise
    return True


def revoke_session(tenant_id: str, session_id: str) -> None:
    """Mark the session revoked; an unknown session stays unknown (no stub item is created)."""
    try:
        aws.client("dynamodb").update_item(
            TableName=_table(),
            Key=_key(session_pk(tenant_id, session_id), SESSION_SK),
            UpdateExpression="SET revoked = :true",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":true": {"BOOL": True}},
        )
    except ClientError as exc:
        if not _is_condition_failure(exc):
            raise


def expiry_partition(expires_at: int) -> str:
    return "EXPIRES#" + time.strftime("%Y-%m-%d", time.gmtime(expires_at))


def expired_sessions(day_partition: str, now: int, limit: int) -> list[tuple[str, str, int]]:
    """(tenant, session id, expiresAt) of sessions of that expiry day that have expired by `now`."""
    found = aws.client("dynamodb").query(
        TableName=_table(),
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :day AND gsi1sk < :now",
        ExpressionAttributeValues={":day": {"S": day_partition}, ":now": {"S": f"{now:012d}$"}},
        Limit=limit,
    )
    out = []
    for item in found.get("Items", []):
        expires, tenant_id, session_id = item["gsi1sk"]["S"].split("#")
        out.append((tenant_id, session_id, int(expires)))
    return out


def delete_expired_session(tenant_id: str, session_id: str, now: int) -> bool:
    """Delete the session if it is (still) expired; False when another run already removed it."""
    try:
        aws.client("dynamodb").delete_item(
            TableName=_table(),
            Key=_key(session_pk(tenant_id, session_id), SESSION_SK),
            ConditionExpression="attribute_exists(pk) AND expiresAt <= :now",
            ExpressionAttributeValues={":now": {"N": str(now)}},
        )
    except ClientError as exc:
        if _is_condition_failure(exc):
            return False
        raise
    return True


# --- principals --------------------------------------------------------------------------------------
def get_principal(pk: str) -> Principal | None:
    found = aws.client("dynamodb").get_item(
        TableName=_table(), Key=_key(pk, PRINCIPAL_SK), ConsistentRead=True
    )
    item = found.get("Item")
    return _principal(item) if item else None


def bump_principal(pk: str, status: str | None) -> int:
    """ADD 1 to the principal's epoch (creating it at 1) and SET its status if given; the new epoch."""
    expression = "ADD #epoch :one"
    values: dict[str, AttributeValueTypeDef] = {":one": {"N": "1"}}
    names = {"#epoch": "epoch"}
    if status is not None:
        expression += " SET #status = :status"  # `status` is a DynamoDB reserved word
        values[":status"] = {"S": status}
        names["#status"] = "status"
    result = aws.client("dynamodb").update_item(
        TableName=_table(),
        Key=_key(pk, PRINCIPAL_SK),
        UpdateExpression=expression,
        ExpressionAttributeValues=values,
        ExpressionAttributeNames=names,
        ReturnValues="UPDATED_NEW",
    )
    return int(result["Attributes"]["epoch"]["N"])


def end_sessions(pk: str) -> Principal:
    """ADD 1 to the user's session generation (every session opened before has ended) and to its epoch,
    in one UpdateItem; the principal after it."""
    result = aws.client("dynamodb").update_item(
        TableName=_table(),
        Key=_key(pk, PRINCIPAL_SK),
        UpdateExpression="ADD #generation :one, #epoch :one",
        ExpressionAttributeNames={"#generation": "generation", "#epoch": "epoch"},
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="ALL_NEW",
    )
    return _principal(result["Attributes"])


def bump_principal_once(pk: str, status: str | None, event_id: str) -> bool:
    """Like `bump_principal`, at most once per event: a `BUMP#<eventId>` marker is put in the same
    transaction (conditional), so a redelivered event moves nothing. False when it was already done."""
    expression = "ADD #epoch :one" + (" SET #status = :status" if status is not None else "")
    values: dict[str, AttributeValueTypeDef] = {":one": {"N": "1"}}
    names = {"#epoch": "epoch"}
    if status is not None:
        values[":status"] = {"S": status}
        names["#status"] = "status"
    marker = {**_key(pk, f"BUMP#{event_id}"), "expiresAt": {"N": str(int(time.time()) + MARKER_SECONDS)}}
    try:
        aws.client("dynamodb").transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": _table(),
                        "Item": marker,
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": _table(),
                        "Key": _key(pk, PRINCIPAL_SK),
                        "UpdateExpression": expression,
                        "ExpressionAttributeValues": values,
                        "ExpressionAttributeNames": names,
                    }
                },
            ]
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "TransactionCanceledException":
            return False  # the marker exists: this event already moved the epoch
        raise
    return True


# --- the check's one read ----------------------------------------------------------------------------
def read_for_check(
    tenant_id: str, user_id: str, session_id: str
) -> tuple[SessionRecord | None, Principal | None, Principal | None]:
    """Session, user principal and tenant principal in one BatchGetItem (strongly consistent, so that a
    revocation counts on the very next request). Unprocessed keys are asked for again, briefly."""
    keys = {
        "session": (session_pk(tenant_id, session_id), SESSION_SK),
        "user": (user_pk(tenant_id, user_id), PRINCIPAL_SK),
        "tenant": (tenant_pk(tenant_id), PRINCIPAL_SK),
    }
    found: dict[tuple[str, str], Attrs] = {}
    pending = [_key(pk, sk) for pk, sk in keys.values()]
    for attempt in range(_BATCH_ATTEMPTS):
        result = aws.client("dynamodb").batch_get_item(
            RequestItems={_table(): {"Keys": pending, "ConsistentRead": True}}
        )
        for item in result.get("Responses", {}).get(_table(), []):
            found[(item["pk"]["S"], item["sk"]["S"])] = item
        unprocessed = result.get("UnprocessedKeys", {}).get(_table())
        if not unprocessed or not unprocessed.get("Keys"):
            break
        pending = list(unprocessed["Keys"])
        time.sleep(0.02 * 2**attempt)
    else:
        raise CacheUnavailable("The session store is throttling reads")
    session_item = found.get(keys["session"])
    user_item = found.get(keys["user"])
    tenant_item = found.get(keys["tenant"])
    return (
        _session(tenant_id, session_id, session_item) if session_item else None,
        _principal(user_item) if user_item else None,
        _principal(tenant_item) if tenant_item else None,
    )


# --- attribute decoding ------------------------------------------------------------------------------
def _session(tenant_id: str, session_id: str, item: Attrs) -> SessionRecord:
    return SessionRecord(
        tenant_id=tenant_id,
        session_id=session_id,
        user_id=item["userId"]["S"],
        refresh_hash=item["refreshHash"]["S"],
        previous_hashes=tuple(v["S"] for v in item.get("previousHashes", {}).get("L", [])),
        expires_at=int(item["expiresAt"]["N"]),
        revoked=bool(item.get("revoked", {}).get("BOOL", False)),
        generation=int(item.get("generation", {}).get("N", "0")),
    )


def _principal(item: Attrs) -> Principal:
    return Principal(
        epoch=int(item.get("epoch", {}).get("N", "0")),
        status=item.get("status", {}).get("S", "active"),
        generation=int(item.get("generation", {}).get("N", "0")),
    )
