"""What pynamodb lacks, for stores written with it: several writes — of one model or several, conditions
included, with the outbox entries of the events they cause — as one all-or-nothing TransactWriteItems.

Stores talk to DynamoDB one way: pynamodb models (`shared.tables.Item`) for every read and single write,
and this module when writes must succeed or fail together. No store builds wire dicts by hand:

    txn = Transaction(table="rbac")
    txn.update(UserRolesItem(pk, sk), [UserRolesItem.roles.set(after)], condition=UserRolesItem.roles == seen)
    txn.stage(changed)                      # the event's outbox entry, in the same transaction
    cancelled = txn.commit()                # None when written
    if cancelled and cancelled.condition_failed(0): ...   # the list moved: read again

The items are sent in the order they were added, so a cancellation's reasons line up with the indexes
`put`/`update`/`delete`/`check` returned. Conflicts with other transactions in flight are retried
(`shared.tables.transact`); a failed condition is an answer (`Cancelled`), not an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from shared import outbox, tables
from shared.events.model import ServiceEvent
from shared.tables import Item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

CONDITION_FAILED = "ConditionalCheckFailed"
MAX_ITEMS = 100  # DynamoDB's limit for one transaction


@dataclass(frozen=True)
class Cancelled:
    """Why DynamoDB cancelled the transaction: one reason code per item, in the order they were added
    (`"None"` for an item that was not the cause)."""

    reasons: list[str]

    def condition_failed(self, index: int | None = None) -> bool:
        """Whether item `index`'s condition failed (any item's, without an index)."""
        if index is None:
            return CONDITION_FAILED in self.reasons
        return index < len(self.reasons) and self.reasons[index] == CONDITION_FAILED


class Transaction:
    """Writes built from pynamodb models and conditions, committed together. `table` names the service's
    table in the 503 a table too busy to commit gets; `attempts` bounds the retries of conflicts."""

    def __init__(self, *, table: str, attempts: int = 4) -> None:
        self.table = table
        self.attempts = attempts
        self._items: list[TransactWriteItemTypeDef] = []

    def __len__(self) -> int:
        return len(self._items)

    @property
    def items(self) -> list[TransactWriteItemTypeDef]:
        """The items built so far, for code that commits them in a transaction of its own making."""
        return list(self._items)

    def put(self, item: Item, *, condition: Condition | None = None) -> int:
        return self._add("Put", item.get_save_kwargs_from_instance(condition=condition))

    def update(self, item: Item, actions: Sequence[Action], *, condition: Condition | None = None) -> int:
        """`item` names the key (its other attributes are not written); `actions` are pynamodb's."""
        kwargs = item.get_update_kwargs_from_instance(actions=list(actions), condition=condition)
        return self._add("Update", kwargs)

    def delete(self, item: Item, *, condition: Condition | None = None) -> int:
        return self._add("Delete", item.get_delete_kwargs_from_instance(condition=condition))

    def check(self, item: Item, condition: Condition) -> int:
        """A condition on an item the transaction does not write (it must hold for the rest to happen)."""
        kwargs = type(item).get_operation_kwargs_from_class(item.pk, range_key=item.sk, condition=condition)
        return self._add("ConditionCheck", kwargs)

    def stage(self, *events: ServiceEvent) -> None:
        """Put the events' outbox entries (shared.outbox) in with the writes that cause them; `release`
        them after the commit."""
        self._items.extend(outbox.staged(event) for event in events)

    def unstage(self, *events: ServiceEvent) -> None:
        """Take unreleased events back out, with the writes that undo what they announced."""
        self._items.extend(outbox.unstaged(event) for event in events)

    def commit(self) -> Cancelled | None:
        """None when every item was written; else why nothing was (`Cancelled`)."""
        if not self._items:
            return None
        reasons = tables.transact(self._items, table=self.table, attempts=self.attempts)
        return None if reasons is None else Cancelled(reasons)

    def _add(self, kind: str, kwargs: dict[str, Any]) -> int:
        if len(self._items) >= MAX_ITEMS:
            raise ValueError(f"a transaction holds at most {MAX_ITEMS} items")
        kwargs.pop("ReturnValuesOnConditionCheckFailure", None)
        self._items.append({kind: kwargs})  # type: ignore[misc]  # pynamodb builds the TypedDict's keys
        return len(self._items) - 1


def conditionally(write: Callable[[], object]) -> bool:
    """Run one pynamodb write that carries a condition: False when the condition failed (an answer, not
    an error), True when written; any other failure is raised.

        if not conditionally(lambda: item.save(condition=RoleItem.pk.does_not_exist())):
            raise Conflict(...)
    """
    try:
        write()
    except PynamoDBException as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
