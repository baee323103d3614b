"""The admission's one write: a TransactWriteItems on the `sessions` table that counts the request in its
rate-limit buckets only if the session, the user and the tenant are as the caller's token says.

One call instead of a BatchGetItem and an UpdateItem per bucket: DynamoDB evaluates every condition and
applies the counts atomically, or applies nothing and says which condition failed (CancellationReasons).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from functions.cache import store
from shared import aws
from shared.config import settings
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

COUNT_SK = "COUNT"
# A window's counter outlives its window by this much (DynamoDB's TTL deletes it later still).
_COUNTER_GRACE_SECONDS = 60


@dataclass(frozen=True)
class Bucket:
    parts: tuple[str, ...]
    limit: int
    window_seconds: int
    scope: str

    def window(self, now: int) -> int:
        return now - now % self.window_seconds

    def retry_after(self, now: int) -> int:
        return max(1, self.window(now) + self.window_seconds - now)


@dataclass(frozen=True)
class Admission:
    """What the transaction found: all true when the request was counted."""

    session_ok: bool = True
    user_ok: bool = True
    tenant_ok: bool = True
    refused_by: Bucket | None = None  # the first bucket (in the caller's order) that was full

    @property
    def counted(self) -> bool:
        return self.session_ok and self.user_ok and self.tenant_ok and self.refused_by is None

    @property
    def state_unsure(self) -> bool:
        """A session, user or tenant condition failed: the caller reads them to tell why."""
        return not (self.session_ok and self.user_ok and self.tenant_ok)


def bucket_pk(tenant_id: str, bucket: Bucket, now: int) -> str:
    return tenant_key(tenant_id, "RL", *bucket.parts) + f"#{bucket.window(now)}"


def _count(tenant_id: str, bucket: Bucket, now: int, *, conditional: bool) -> dict[str, Any]:
    update: dict[str, Any] = {
        "TableName": settings().table_name("sessions"),
        "Key": {"pk": {"S": bucket_pk(tenant_id, bucket, now)}, "sk": {"S": COUNT_SK}},
        "UpdateExpression": "ADD hits :one SET expiresAt = :expires",
        "ExpressionAttributeValues": {
            ":one": {"N": "1"},
            ":expires": {"N": str(bucket.window(now) + bucket.window_seconds + _COUNTER_GRACE_SECONDS)},
        },
    }
    if conditional:
        update["ConditionExpression"] = "attribute_not_exists(hits) OR hits < :limit"
        update["ExpressionAttributeValues"][":limit"] = {"N": str(bucket.limit)}
    return update


def _session_condition(tenant_id: str, user_id: str, session_id: str, now: int) -> dict[str, Any]:
    return {
        "TableName": settings().table_name("sessions"),
        "Key": {"pk": {"S": store.session_pk(tenant_id, session_id)}, "sk": {"S": store.SESSION_SK}},
        "ConditionExpression": "userId = :user AND revoked = :false AND expiresAt > :now",
        "ExpressionAttributeValues": {
            ":user": {"S": user_id},
            ":false": {"BOOL": False},
            ":now": {"N": str(now)},
        },
    }


def _user_condition(tenant_id: str, user_id: str, epoch: int) -> dict[str, Any]:
    """The user's epoch is still the token's. Every status change and every end of all sessions moves the
    epoch (store.bump_principal, store.end_sessions), so an unchanged epoch means neither happened since
    the token's session was opened or rotated; the status is checked too, for a principal written by hand."""
    same_epoch = "#epoch = :epoch" if epoch else "(attribute_not_exists(#epoch) OR #epoch = :epoch)"
    return {
        "TableName": settings().table_name("sessions"),
        "Key": {"pk": {"S": store.user_pk(tenant_id, user_id)}, "sk": {"S": store.PRINCIPAL_SK}},
        "ConditionExpression": f"{same_epoch} AND (attribute_not_exists(#status) OR #status = :active)",
        "ExpressionAttributeNames": {"#epoch": "epoch", "#status": "status"},
        "ExpressionAttributeValues": {":epoch": {"N": str(epoch)}, ":active": {"S": "active"}},
    }


def _tenant_condition(tenant_id: str) -> dict[str, Any]:
    return {
        "TableName": settings().table_name("sessions"),
        "Key": {"pk": {"S": store.tenant_pk(tenant_id)}, "sk": {"S": store.PRINCIPAL_SK}},
        "ConditionExpression": "attribute_not_exists(#status) OR #status <> :suspended",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {":suspended": {"S": "suspended"}},
    }


def admit(tenant_id: str, user_id: str, session_id: str, epoch: int, buckets: Sequence[Bucket]) -> Admission:
    """Count the request in every bucket iff the session, the user and the tenant pass: one call."""
    now = int(time.time())
    items: list[TransactWriteItemTypeDef] = [
        {"ConditionCheck": _session_condition(tenant_id, user_id, session_id, now)},  # type: ignore[typeddict-item]
        {"ConditionCheck": _user_condition(tenant_id, user_id, epoch)},  # type: ignore[typeddict-item]
        {"ConditionCheck": _tenant_condition(tenant_id)},  # type: ignore[typeddict-item]
    ]
    items.extend({"Update": _count(tenant_id, b, now, conditional=True)} for b in buckets)  # type: ignore[typeddict-item]
    try:
        aws.client("dynamodb").transact_write_items(TransactItems=items)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
            raise
        reasons = [r.get("Code") or "None" for r in _reasons(exc, len(items))]
        if any(code not in ("None", "ConditionalCheckFailed") for code in reasons):
            # A conflict with another transaction (the tenant's counter is shared by all its members) or
            # a throttle: nothing is known, nothing was counted — the caller reads and counts item by item.
            return Admission(session_ok=False, user_ok=False, tenant_ok=False)
        failed = [code == "ConditionalCheckFailed" for code in reasons]
        refused = next((b for b, f in zip(buckets, failed[3:], strict=True) if f), None)
        return Admission(
            session_ok=not failed[0], user_ok=not failed[1], tenant_ok=not failed[2], refused_by=refused
        )
    return Admission()


def _reasons(exc: ClientError, count: int) -> list[dict[str, Any]]:
    """One reason per item. A cancellation without reasons (a conflict with another transaction) is
    treated as every condition unsure: the caller then reads the state and counts item by item."""
    reasons: list[dict[str, Any]] = list(exc.response.get("CancellationReasons") or [])  # type: ignore[arg-type]
    if len(reasons) != count:
        return [{"Code": "ConditionalCheckFailed"}] * 3 + [{"Code": "None"}] * (count - 3)
    return reasons


def count_each(tenant_id: str, buckets: Sequence[Bucket]) -> Bucket | None:
    """Count the request bucket by bucket (the epoch moved, so the transaction's condition did not hold):
    the first bucket over its limit refuses it, and later ones do not count it."""
    now = int(time.time())
    for bucket in buckets:
        result = aws.client("dynamodb").update_item(
            **_count(tenant_id, bucket, now, conditional=False), ReturnValues="UPDATED_NEW"
        )
        if int(result["Attributes"]["hits"]["N"]) > bucket.limit:
            return bucket
    return None
