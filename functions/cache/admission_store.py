"""The admission's one write, the DynamoDB side of `ports.AdmissionStore`: a TransactWriteItems on the
`sessions` table that counts the request in its rate-limit buckets only if the session, the user and the
tenant are as the caller's token says.

One call instead of a BatchGetItem and an UpdateItem per bucket: DynamoDB evaluates every condition and
applies the counts atomically, or applies nothing and says which condition failed (CancellationReasons).
The items are pynamodb's (the store's session and principal models, the bucket counter below) built by
`shared.transactions.Transaction`; the transaction is sent here, once, because a conflict must not be
retried on the authorizer's path: it means "unsure", and the caller reads and counts item by item.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from botocore.exceptions import ClientError
from pynamodb.attributes import NumberAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from functions.cache.ports import Admission, Bucket
from functions.cache.store import (
    PRINCIPAL_SK,
    SESSION_SK,
    PrincipalItem,
    SessionItem,
    session_pk,
    tenant_pk,
    user_pk,
)
from shared import aws
from shared.tables import Item, table_meta, tenant_key
from shared.transactions import CONDITION_FAILED, Transaction

__all__ = ["COUNT_SK", "Admission", "Bucket", "admit", "bucket_pk", "count_each"]

COUNT_SK = "COUNT"
# A window's counter outlives its window by this much (DynamoDB's TTL deletes it later still).
_COUNTER_GRACE_SECONDS = 60
_CONDITIONS = 3  # the session, the user, the tenant: the buckets come after them


class BucketItem(Item):
    """`TENANT#t#RL#<parts>#<window start>` / `COUNT`: the window's hits."""

    Meta = table_meta("sessions")  # type: ignore[assignment]  # a live Meta (see shared.tables)

    hits = NumberAttribute(null=True)


def bucket_pk(tenant_id: str, bucket: Bucket, now: int) -> str:
    return tenant_key(tenant_id, "RL", *bucket.parts) + f"#{bucket.window(now)}"


def _counter(tenant_id: str, bucket: Bucket, now: int) -> tuple[BucketItem, list[Action]]:
    expires = bucket.window(now) + bucket.window_seconds + _COUNTER_GRACE_SECONDS
    return BucketItem(bucket_pk(tenant_id, bucket, now), COUNT_SK), [
        BucketItem.hits.add(1),
        BucketItem.expires_at.set(expires),
    ]


def _session_usable(user_id: str, now: int) -> Condition:
    usable: Condition = (
        (SessionItem.user_id == user_id)
        & (SessionItem.revoked == False)  # noqa: E712 - a DynamoDB condition
        & (SessionItem.expires_at > now)
    )
    return usable


def _user_as_the_token_says(epoch: int) -> Condition:
    """The user's epoch is still the token's. Every status change and every end of all sessions moves the
    epoch (store.bump_principal, store.end_sessions), so an unchanged epoch means neither happened since
    the token's session was opened or rotated; the status is checked too, for a principal written by hand."""
    same_epoch: Condition = PrincipalItem.epoch == epoch
    if not epoch:
        same_epoch = PrincipalItem.epoch.does_not_exist() | same_epoch
    active: Condition = PrincipalItem.status.does_not_exist() | (PrincipalItem.status == "active")
    both: Condition = same_epoch & active
    return both


def _tenant_not_suspended() -> Condition:
    condition: Condition = PrincipalItem.status.does_not_exist() | (PrincipalItem.status != "suspended")
    return condition


def admit(tenant_id: str, user_id: str, session_id: str, epoch: int, buckets: Sequence[Bucket]) -> Admission:
    """Count the request in every bucket iff the session, the user and the tenant pass: one call."""
    now = int(time.time())
    txn = Transaction(table="sessions")  # its items only: sent below, once
    txn.check(SessionItem(session_pk(tenant_id, session_id), SESSION_SK), _session_usable(user_id, now))
    txn.check(PrincipalItem(user_pk(tenant_id, user_id), PRINCIPAL_SK), _user_as_the_token_says(epoch))
    txn.check(PrincipalItem(tenant_pk(tenant_id), PRINCIPAL_SK), _tenant_not_suspended())
    for bucket in buckets:
        item, actions = _counter(tenant_id, bucket, now)
        room: Condition = BucketItem.hits.does_not_exist() | (BucketItem.hits < bucket.limit)
        txn.update(item, actions, condition=room)
    try:
        aws.client("dynamodb").transact_write_items(TransactItems=txn.items)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
            raise
        return _found(exc, len(txn), buckets)
    return Admission()


def _found(exc: ClientError, count: int, buckets: Sequence[Bucket]) -> Admission:
    """What a cancellation says. One without a reason per item, or with any reason other than a failed
    condition (a conflict with another transaction — the tenant's counter is shared by all its members —
    or a throttle), says nothing: every condition unsure, nothing counted."""
    reasons = [str(r.get("Code") or "None") for r in exc.response.get("CancellationReasons") or []]
    if len(reasons) != count or any(code not in ("None", CONDITION_FAILED) for code in reasons):
        return Admission(session_ok=False, user_ok=False, tenant_ok=False)
    failed = [code == CONDITION_FAILED for code in reasons]
    refused = next((b for b, f in zip(buckets, failed[_CONDITIONS:], strict=True) if f), None)
    return Admission(
        session_ok=not failed[0], user_ok=not failed[1], tenant_ok=not failed[2], refused_by=refused
    )


def count_each(tenant_id: str, buckets: Sequence[Bucket]) -> Bucket | None:
    """Count the request bucket by bucket (the epoch moved, so the transaction's condition did not hold):
    the first bucket over its limit refuses it, and later ones do not count it."""
    now = int(time.time())
    for bucket in buckets:
        item, actions = _counter(tenant_id, bucket, now)
        item.update(actions=actions)  # one UpdateItem, the count after it
        if int(item.hits or 0) > bucket.limit:
            return bucket
    return None
