"""Login failures per (account, source): the `LOCKOUT#<userId>#<source digest>` items of the users table.

Kept apart from the user item on purpose: an attacker who fails from a thousand addresses makes a
thousand small items that expire by TTL, never one user item that grows towards DynamoDB's 400 KB.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import UpdateError

from functions.users.store import partition
from shared.tables import Item, table_meta


class LockoutItem(Item):
    Meta = table_meta("users")  # type: ignore[assignment]  # a live Meta (see shared.tables)

    failures = NumberAttribute(default=0)
    locked_until = NumberAttribute(attr_name="lockedUntil", null=True)
    locks = NumberAttribute(default=0)  # how many times this source was locked out: the backoff's exponent


@dataclass(frozen=True)
class Lockout:
    failures: int = 0
    locked_until: int | None = None
    locks: int = 0

    def retry_after(self, now: float) -> int | None:
        """Seconds until this source may try again, or None when it may try now."""
        if self.locked_until is None or self.locked_until <= now:
            return None
        return max(1, int(self.locked_until - now))


def _sk(user_id: str, source: str) -> str:
    # A digest: addresses hold ':' and could be long; the key needs neither.
    digest = hashlib.sha256(source.encode()).hexdigest()[:24]
    return f"LOCKOUT#{user_id}#{digest}"


def _record(item: LockoutItem) -> Lockout:
    until = item.locked_until
    return Lockout(int(item.failures or 0), int(until) if until is not None else None, int(item.locks or 0))


def get(tenant_id: str, user_id: str, source: str) -> Lockout:
    item = LockoutItem.get_live(partition(tenant_id), _sk(user_id, source))
    return _record(item) if item else Lockout()


def add_failure(tenant_id: str, user_id: str, source: str, *, expires_at: int) -> Lockout:
    """Atomically count one more failure from `source` (concurrent failures are all counted)."""
    item = LockoutItem(partition(tenant_id), _sk(user_id, source))
    item.update(actions=[LockoutItem.failures.add(1), LockoutItem.expires_at.set(expires_at)])
    return _record(item)


def lock(tenant_id: str, user_id: str, source: str, *, until: int, threshold: int, expires_at: int) -> bool:
    """Lock `source` out until `until` and count afresh, only if its failures still reach the threshold
    (of concurrent failures, one locks; the others find the counter already reset)."""
    item = LockoutItem(partition(tenant_id), _sk(user_id, source))
    try:
        item.update(
            actions=[
                LockoutItem.locked_until.set(until),
                LockoutItem.failures.set(0),
                LockoutItem.locks.add(1),
                LockoutItem.expires_at.set(expires_at),
            ],
            condition=LockoutItem.failures >= threshold,
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def clear(tenant_id: str, user_id: str, source: str) -> None:
    """Forget the source's failures and lock history (the right password from it)."""
    LockoutItem(partition(tenant_id), _sk(user_id, source)).delete()


def clear_all(tenant_id: str, user_id: str) -> int:
    """Forget every source's failures and locks of the user (a password reset: whoever was guessing, the
    password is a new one now). One Query of the user's lockout items, then a delete of each."""
    items = LockoutItem.query(partition(tenant_id), LockoutItem.sk.startswith(f"LOCKOUT#{user_id}#"))
    cleared = 0
    for item in items:
        item.delete()
        cleared += 1
    return cleared
