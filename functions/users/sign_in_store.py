"""What a sign-in reads of the `users` table, in two calls: the email's claim (it names the user), then
the user item, this source's lockout and the MFA factor in one strongly consistent BatchGetItem — all
three live in the tenant's users partition (store.py, lockouts.py, mfa_store.py own their writes).
A password change reads the user and its lockout in one BatchGetItem."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from functions.users import lockouts, mfa_store, store
from functions.users.store import UserItem, UserRecord
from shared import aws
from shared.errors import ServiceUnavailable

_BATCH_ATTEMPTS = 4


@dataclass(frozen=True)
class SignIn:
    user: UserRecord
    lockout: lockouts.Lockout
    mfa_active: bool


def read(tenant_id: str, email: str, source: str) -> SignIn | None:
    """The user the email belongs to, with what the sign-in checks; None for an unknown email."""
    table = store._table()
    dynamodb = aws.client("dynamodb")
    claim = dynamodb.get_item(
        TableName=table, Key=store._key(tenant_id, store._email_sk(email)), ConsistentRead=True
    ).get("Item")
    if not claim or "userId" not in claim:
        return None
    user_id = str(claim["userId"]["S"])
    sks = {
        "user": store._user_sk(user_id),
        "lockout": lockouts._sk(user_id, source),
        "mfa": mfa_store.factor_sk(user_id),
    }
    found = _batch_get(table, [store._key(tenant_id, sk) for sk in sks.values()])
    now = time.time()
    user_item = _live(found.get(sks["user"]), now)
    if user_item is None:
        return None
    lockout_item = _live(found.get(sks["lockout"]), now)
    factor = found.get(sks["mfa"])
    return SignIn(
        user=store._record(tenant_id, UserItem.from_raw_data(dict(user_item))),
        lockout=_lockout(lockout_item),
        mfa_active=factor is not None and factor.get("status", {}).get("S") == "active",
    )


def read_by_id(tenant_id: str, user_id: str, source: str) -> tuple[UserRecord | None, lockouts.Lockout]:
    """The user and this source's lockout in one BatchGetItem (a password change of a signed-in user)."""
    sks = {"user": store._user_sk(user_id), "lockout": lockouts._sk(user_id, source)}
    found = _batch_get(store._table(), [store._key(tenant_id, sk) for sk in sks.values()])
    now = time.time()
    user_item = _live(found.get(sks["user"]), now)
    user = store._record(tenant_id, UserItem.from_raw_data(dict(user_item))) if user_item else None
    return user, _lockout(_live(found.get(sks["lockout"]), now))


def _batch_get(table: str, keys: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Items by sort key; unprocessed keys are asked for again, briefly."""
    found: dict[str, dict[str, Any]] = {}
    pending = keys
    for attempt in range(_BATCH_ATTEMPTS):
        result = aws.client("dynamodb").batch_get_item(
            RequestItems={table: {"Keys": pending, "ConsistentRead": True}}
        )
        for item in result.get("Responses", {}).get(table, []):
            found[str(item["sk"]["S"])] = dict(item)
        unprocessed = result.get("UnprocessedKeys", {}).get(table)
        if not unprocessed or not unprocessed.get("Keys"):
            return found
        pending = list(unprocessed["Keys"])
        time.sleep(0.02 * 2**attempt)
    raise ServiceUnavailable("The users table is throttling reads")


def _live(item: dict[str, Any] | None, now: float) -> dict[str, Any] | None:
    """None for an absent item or one past its TTL (DynamoDB deletes late; emulators never do)."""
    if item is None:
        return None
    expires = item.get("expiresAt", {}).get("N")
    return None if expires is not None and float(expires) <= now else item


def _lockout(item: dict[str, Any] | None) -> lockouts.Lockout:
    if item is None:
        return lockouts.Lockout()
    until = item.get("lockedUntil", {}).get("N")
    return lockouts.Lockout(
        failures=int(item.get("failures", {}).get("N", "0")),
        locked_until=int(float(until)) if until is not None else None,
        locks=int(item.get("locks", {}).get("N", "0")),
    )
