"""Login failures per (account, source): the `LOCKOUT#<userId>#<source digest>` items of the users table,
the DynamoDB side of `ports.LockoutStore`.

Kept apart from the user item on purpose: an attacker who fails from a thousand addresses makes a
thousand small items that expire by TTL, never one user item that grows towards DynamoDB's 400 KB.
"""

from __future__ import annotations

import hashlib

from pynamodb.attributes import NumberAttribute, UnicodeSetAttribute
from pynamodb.expressions.update import Action

from functions.users.records import Lockout
from functions.users.store import TABLE, partition
from shared.tables import Item, table_meta
from shared.transactions import conditionally


class LockoutItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    failures = NumberAttribute(default=0)
    locked_until = NumberAttribute(attr_name="lockedUntil", null=True)
    locks = NumberAttribute(default=0)  # how many times this source was locked out: the backoff's exponent
    attempts = UnicodeSetAttribute(null=True)  # the ids of the attempts counted (add_failure)

    def record(self) -> Lockout:
        until = self.locked_until
        return Lockout(
            int(self.failures or 0), int(until) if until is not None else None, int(self.locks or 0)
        )


def lockout_sk(user_id: str, source: str) -> str:
    # A digest: addresses hold ':' and could be long; the key needs neither.
    digest = hashlib.sha256(source.encode()).hexdigest()[:24]
    return f"LOCKOUT#{user_id}#{digest}"


def _item(tenant_id: str, user_id: str, source: str) -> LockoutItem:
    return LockoutItem(partition(tenant_id), lockout_sk(user_id, source))


def get(tenant_id: str, user_id: str, source: str) -> Lockout:
    item = LockoutItem.get_live(partition(tenant_id), lockout_sk(user_id, source))
    return item.record() if item else Lockout()


def add_failure(
    tenant_id: str, user_id: str, source: str, *, expires_at: int, attempt: str | None = None
) -> Lockout:
    """Atomically count one more failure from `source` (concurrent failures are all counted). With
    `attempt`, the attempt's id joins the item's set in the same UpdateItem, on the condition that it is
    not there yet: a repeat of the attempt counts nothing (the set holds a few ids: the failures of a
    day from one source, which the lockout bounds, and it goes with the item)."""
    item = _item(tenant_id, user_id, source)
    actions: list[Action] = [LockoutItem.failures.add(1), LockoutItem.expires_at.set(expires_at)]
    if attempt is None:
        item.update(actions=actions)
        return item.record()
    actions.append(LockoutItem.attempts.add({attempt}))
    if not conditionally(
        lambda: item.update(actions=actions, condition=~LockoutItem.attempts.contains(attempt))
    ):
        return get(tenant_id, user_id, source)
    return item.record()


def lock(tenant_id: str, user_id: str, source: str, *, until: int, threshold: int, expires_at: int) -> bool:
    """Lock `source` out until `until` and count afresh, only if its failures still reach the threshold
    (of concurrent failures, one locks; the others find the counter already reset)."""
    item = _item(tenant_id, user_id, source)
    actions: list[Action] = [
        LockoutItem.locked_until.set(until),
        LockoutItem.failures.set(0),
        LockoutItem.locks.add(1),
        LockoutItem.expires_at.set(expires_at),
    ]
    return conditionally(lambda: item.update(actions=actions, condition=LockoutItem.failures >= threshold))


def clear(tenant_id: str, user_id: str, source: str) -> None:
    """Forget the source's failures and lock history (the right password from it)."""
    _item(tenant_id, user_id, source).delete()


def clear_all(tenant_id: str, user_id: str) -> int:
    """Forget every source's failures and locks of the user (a password reset: whoever was guessing, the
    password is a new one now). One Query of the user's lockout items, then a delete of each."""
    items = LockoutItem.query(partition(tenant_id), LockoutItem.sk.startswith(f"LOCKOUT#{user_id}#"))
    cleared = 0
    for item in items:
        item.delete()
        cleared += 1
    return cleared
