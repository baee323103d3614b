"""The platform admins' tenant list (`GET /api/v1/tenants?status=&plan=`): listing items keyed on gsi1,
so every filter is a Query of one index partition, never a Scan.

Each tenant has, beside its `TENANT` item (listed under `TENANTS` on gsi1, in id order), two listing
items in its own partition (so whatever removes the tenant's partition removes them too):

| sk | gsi1pk | gsi1sk |
|---|---|---|
| `LISTING#STATUS` | `TENANTS#STATUS#<status>` | `<tenantId>` |
| `LISTING#PLAN` | `TENANTS#PLAN#<plan>` | `<status>#<tenantId>` |

A status filter reads the first kind, a plan filter (with or without a status) the second. They are
written in the same transaction as the status or plan change they mirror (`store`), so a list never
disagrees with the tenants it returns for longer than the index takes to catch up. The tenants of a page
are then read in one BatchGetItem."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pynamodb.attributes import UnicodeAttribute

from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from shared.tables import Gsi1, Item, table_meta, tenant_key
from shared.transactions import Transaction

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

TABLE = "tenants"
DIRECTORY = "TENANTS"  # the tenant items themselves (store.put_new)
STATUS_SK = "LISTING#STATUS"
PLAN_SK = "LISTING#PLAN"
_KEYS = {"pk", "sk", "gsi1pk", "gsi1sk"}


class ListingItem(Item):
    """A listing item; read through gsi1, whose partitions also hold the `TENANT` items (DIRECTORY)."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    gsi1 = Gsi1()


def status_partition(status: str) -> str:
    return f"{DIRECTORY}#STATUS#{status}"


def plan_partition(plan: str) -> str:
    return f"{DIRECTORY}#PLAN#{plan}"


def _item(tenant_id: str, sk: str) -> ListingItem:
    return ListingItem(tenant_key(tenant_id), sk)


# --- the writes (added to the transaction of the change they mirror) ------------------------------------
def put(txn: Transaction, tenant_id: str, status: str, plan: str) -> None:
    pk = tenant_key(tenant_id)
    txn.put(ListingItem(pk, STATUS_SK, gsi1pk=status_partition(status), gsi1sk=tenant_id))
    txn.put(ListingItem(pk, PLAN_SK, gsi1pk=plan_partition(plan), gsi1sk=f"{status}#{tenant_id}"))


def move_status(txn: Transaction, tenant_id: str, status: str) -> None:
    """Upserts: a tenant made before listing items existed gets them with its next change."""
    txn.update(
        _item(tenant_id, STATUS_SK),
        [ListingItem.gsi1pk.set(status_partition(status)), ListingItem.gsi1sk.set(tenant_id)],
    )
    txn.update(_item(tenant_id, PLAN_SK), [ListingItem.gsi1sk.set(f"{status}#{tenant_id}")])


def move_plan(txn: Transaction, tenant_id: str, plan: str, status: str) -> None:
    txn.update(
        _item(tenant_id, PLAN_SK),
        [ListingItem.gsi1pk.set(plan_partition(plan)), ListingItem.gsi1sk.set(f"{status}#{tenant_id}")],
    )


def delete(txn: Transaction, tenant_id: str) -> None:
    for sk in (STATUS_SK, PLAN_SK):
        txn.delete(_item(tenant_id, sk))


def status_moved(tenant_id: str, status: str) -> list[TransactWriteItemTypeDef]:
    """`move_status`'s items, for deletion_store's own transactions."""
    txn = Transaction(table=TABLE)
    move_status(txn, tenant_id, status)
    return txn.items


def delete_items(tenant_id: str) -> list[TransactWriteItemTypeDef]:
    """`delete`'s items, for deletion_store's own transactions."""
    txn = Transaction(table=TABLE)
    delete(txn, tenant_id)
    return txn.items


# --- the read ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Selection:
    partition: str
    prefix: str | None = None  # a gsi1sk prefix (a status inside a plan's partition)


def selection(status: str | None, plan: str | None) -> Selection:
    if plan is not None:
        return Selection(plan_partition(plan), f"{status}#" if status else None)
    if status is not None:
        return Selection(status_partition(status))
    return Selection(DIRECTORY)


def page(chosen: Selection, *, page_size: int, cursor: str | None) -> tuple[list[str], str | None]:
    """One page of tenant ids of the selection, and the next cursor."""
    last_key, number = Cursor.decode(cursor)
    if last_key is not None and (set(last_key) != _KEYS or last_key.get("gsi1pk") != {"S": chosen.partition}):
        raise InvalidRequest("The cursor is not valid", field="cursor")
    condition = ListingItem.gsi1sk.startswith(chosen.prefix) if chosen.prefix else None
    found = ListingItem.gsi1.query(
        chosen.partition, condition, limit=page_size, page_size=page_size, last_evaluated_key=last_key
    )
    ids = [item.pk.removeprefix("TENANT#") for item in found]
    return ids, Cursor.encode(found.last_evaluated_key, page=number + 1)
