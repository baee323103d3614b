"""The `tenants` table: one item per tenant (`TENANT#<id>` / `TENANT`), the DynamoDB side of
`ports.TenantsStore`. Every write that depends on the item's state carries a DynamoDB condition, so races
are settled by the table, never by a read first.

A write that causes events takes them (`events`): the update, the listing items it moves and the events'
outbox entries are one transaction (shared.transactions). A transaction returns no attributes, so the
tenant after it is read back (consistently) once it has succeeded. Every read and write goes through the
pynamodb models below (and `listing`'s)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pynamodb.attributes import MapAttribute, UnicodeAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from functions.tenants import listing
from functions.tenants.ports import ConditionFailed, TenantRecord
from shared.envelopes import utc_now_iso
from shared.errors import ServiceUnavailable
from shared.events.model import ServiceEvent
from shared.tables import Gsi1, Item, table_meta, tenant_key
from shared.transactions import Transaction, conditionally

TABLE = "tenants"
SORT_KEY = "TENANT"
DIRECTORY = "TENANTS"
_SET_USAGE_ATTEMPTS = 4  # a reconciliation racing reservations reads again this many times


class TenantItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    name = UnicodeAttribute()
    plan = UnicodeAttribute()
    status = UnicodeAttribute()
    quotas = MapAttribute[str, Any](default=dict)  # type: ignore[no-untyped-call]  # numbers by quota name
    usage = MapAttribute[str, Any](default=dict)  # type: ignore[no-untyped-call]  # numbers by usage name
    # Tenant-wide switches (`requireVerifiedEmail`, ...): absent until one is set.
    settings = MapAttribute[str, Any](null=True)  # type: ignore[no-untyped-call]
    created_at = UnicodeAttribute(attr_name="createdAt")
    updated_at = UnicodeAttribute(attr_name="updatedAt", null=True)
    # Every tenant is listed on gsi1, for the jobs that visit each tenant (never a Scan).
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = Gsi1()
    # A deletion under way (functions/tenants/deletion_store.py): requestedAt, requestedBy, round, and per
    # service {round, complete, cursor} plus the items each removed.
    deletion = MapAttribute[str, Any](null=True)  # type: ignore[no-untyped-call]

    def record(self) -> TenantRecord:
        return TenantRecord(
            tenant_id=self.pk.removeprefix("TENANT#"),
            name=self.name,
            plan=self.plan,
            status=self.status,
            quotas={k: int(v) for k, v in plain(self.quotas).items()},
            usage={k: int(v) for k, v in plain(self.usage).items()},
            created_at=self.created_at,
            updated_at=self.updated_at or self.created_at,
            settings={k: v for k, v in plain(self.settings).items() if isinstance(v, bool)},
        )


def plain(value: Any) -> dict[str, Any]:
    """A raw MapAttribute's contents as a dict (pynamodb hands back the attribute, or a dict when new)."""
    if value is None:
        return {}
    return dict(value.as_dict() if isinstance(value, MapAttribute) else value)  # type: ignore[no-untyped-call]


def _item(tenant_id: str) -> TenantItem:
    return TenantItem(tenant_key(tenant_id), SORT_KEY)


# --- reads ---------------------------------------------------------------------------------------------
def get(tenant_id: str) -> TenantRecord | None:
    """The tenant (strongly consistent), or None. Expired items count as absent, as everywhere."""
    item = TenantItem.get_live(tenant_key(tenant_id), SORT_KEY)
    return item.record() if item else None


def get_many(tenant_ids: Sequence[str]) -> list[TenantRecord]:
    """The tenants with these ids, in that order (BatchGetItem, strongly consistent); an id whose tenant
    is gone (or expired) is left out."""
    if not tenant_ids:
        return []
    keys = [(tenant_key(t), SORT_KEY) for t in dict.fromkeys(tenant_ids)]
    found = {
        record.tenant_id: record
        for record in (
            i.record() for i in TenantItem.batch_get(keys, consistent_read=True) if not i.is_expired()
        )
    }
    return [found[t] for t in tenant_ids if t in found]


def tenant_ids(*, page_size: int, after: str | None) -> tuple[list[str], str | None]:
    """One page of every tenant id, in id order, from gsi1; the last id when there may be more."""
    condition = TenantItem.gsi1sk > after if after else None
    found = TenantItem.gsi1.query(DIRECTORY, condition, limit=page_size, page_size=page_size)
    ids = [item.pk.removeprefix("TENANT#") for item in found]
    return ids, ids[-1] if found.last_evaluated_key and ids else None


def listed(
    *, status: str | None, plan: str | None, page_size: int, cursor: str | None
) -> tuple[list[str], str | None]:
    """One page of the ids of the tenants with this status and plan (either may be None), and the next
    cursor (functions/tenants/listing.py: a Query of one gsi1 partition)."""
    return listing.page(listing.selection(status, plan), page_size=page_size, cursor=cursor)


# --- writes --------------------------------------------------------------------------------------------
def put_new(record: TenantRecord) -> None:
    """Create the tenant, with its listing items; ConditionFailed when the id is taken."""
    item = TenantItem(
        tenant_key(record.tenant_id),
        SORT_KEY,
        name=record.name,
        plan=record.plan,
        status=record.status,
        quotas=dict(record.quotas),
        usage=dict(record.usage),
        created_at=record.created_at,
        updated_at=record.updated_at,
        gsi1pk=DIRECTORY,
        gsi1sk=record.tenant_id,
    )
    txn = Transaction(table=TABLE)
    tenant = txn.put(item, condition=TenantItem.pk.does_not_exist())
    listing.put(txn, record.tenant_id, record.status, record.plan)
    cancelled = txn.commit()
    if cancelled is not None:
        if cancelled.condition_failed(tenant):
            raise ConditionFailed(record.tenant_id)
        raise ServiceUnavailable(f"The tenants transaction was cancelled: {cancelled.reasons}")


def set_status(
    tenant_id: str,
    status: str,
    *,
    when: tuple[str, ...],
    now: str,
    unchanged: TenantRecord | None = None,
    events: Sequence[ServiceEvent] = (),
    withdraw: Sequence[ServiceEvent] = (),
) -> TenantRecord:
    """SET status if the current one is in `when` (and, given `unchanged`, the settings are still the ones
    it holds: see `_unchanged`); ConditionFailed otherwise (or when absent). With `events` the change and
    its events commit together; `withdraw` takes back the events of a change being undone. The listing
    items move with the status, in the same transaction (functions/tenants/listing.py)."""
    condition = TenantItem.status.is_in(*when)
    if unchanged is not None:
        condition &= _unchanged(unchanged)
    txn = Transaction(table=TABLE)
    txn.update(
        _item(tenant_id), [TenantItem.status.set(status), TenantItem.updated_at.set(now)], condition=condition
    )
    listing.move_status(txn, tenant_id, status)
    return _commit(tenant_id, txn, events, withdraw)


def _unchanged(current: TenantRecord) -> Condition:
    """The name, plan and every quota still hold `current`'s values: an event built from them before the
    write is then exactly what the write leaves (usage is not part of it: reservations move it all the
    time)."""
    condition: Condition = (TenantItem.name == current.name) & (TenantItem.plan == current.plan)
    for quota, value in sorted(current.quotas.items()):
        condition &= TenantItem.quotas[quota] == value
    return condition


def _commit(
    tenant_id: str,
    txn: Transaction,
    events: Sequence[ServiceEvent] = (),
    withdraw: Sequence[ServiceEvent] = (),
) -> TenantRecord:
    """Commit with the events' outbox entries (`events` put, `withdraw` taken out); the tenant after it.
    ConditionFailed when a condition failed."""
    txn.stage(*events)
    txn.unstage(*withdraw)
    cancelled = txn.commit()
    if cancelled is not None:
        if cancelled.condition_failed():
            raise ConditionFailed(tenant_id)
        raise ServiceUnavailable(f"The tenants transaction was cancelled: {cancelled.reasons}")
    after = get(tenant_id)
    if after is None:  # deleted between our transaction and this read: only a discard could
        raise ConditionFailed(tenant_id)
    return after


def delete_provisioning(tenant_id: str) -> None:
    """Delete the tenant (and its listing items) if it is still provisioning; an absent tenant is fine
    (idempotent)."""
    txn = Transaction(table=TABLE)
    tenant = txn.delete(
        _item(tenant_id), condition=TenantItem.pk.does_not_exist() | (TenantItem.status == "provisioning")
    )
    listing.delete(txn, tenant_id)
    cancelled = txn.commit()
    if cancelled is not None:
        if cancelled.condition_failed(tenant):
            raise ConditionFailed(tenant_id)
        raise ServiceUnavailable(f"The tenants transaction was cancelled: {cancelled.reasons}")


def _update(tenant_id: str, actions: list[Action], condition: Condition) -> TenantRecord:
    """One conditional UpdateItem; the tenant after it, or ConditionFailed."""
    item = _item(tenant_id)
    if not conditionally(lambda: item.update(actions=actions, condition=condition)):
        raise ConditionFailed(tenant_id)
    return item.record()


def add_usage(tenant_id: str, usage: str, quota: str, amount: int, limit: int) -> TenantRecord:
    """usage += amount, evaluated by DynamoDB: only while usage + amount <= limit and the limit is still the
    one the caller read. Returns the tenant after it; ConditionFailed when over (or the limit moved)."""
    used = TenantItem.usage[usage]
    return _update(
        tenant_id,
        [used.set(used + amount), TenantItem.updated_at.set(utc_now_iso())],
        TenantItem.pk.exists() & (used <= limit - amount) & (TenantItem.quotas[quota] == limit),
    )


class SeatItem(Item):
    """`TENANT#<id>` / `SEAT#<key>`: the seat a key holds (its count is in the tenant's `usage.users`)."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)


def _seat(tenant_id: str, key: str, expires_at: int | None = None) -> SeatItem:
    return SeatItem(tenant_key(tenant_id), f"SEAT#{key}", expires_at=expires_at)


def reserve_seat(tenant_id: str, key: str, *, limit: int, expires_at: int) -> bool:
    """The marker (only if the key holds none) and users += 1 (only while under `limit`, the limit still
    that one): one TransactWriteItems. False when the key already holds a seat."""
    users = TenantItem.usage["users"]
    txn = Transaction(table=TABLE)
    held = txn.put(_seat(tenant_id, key, expires_at), condition=SeatItem.pk.does_not_exist())
    txn.update(
        _item(tenant_id),
        [users.set(users + 1), TenantItem.updated_at.set(utc_now_iso())],
        condition=TenantItem.pk.exists() & (users <= limit - 1) & (TenantItem.quotas["maxUsers"] == limit),
    )
    return _seat_commit(tenant_id, txn, held)


def release_seat(tenant_id: str, key: str) -> bool:
    """The marker deleted (only if there) and users -= 1 (never below zero): one TransactWriteItems."""
    users = TenantItem.usage["users"]
    txn = Transaction(table=TABLE)
    held = txn.delete(_seat(tenant_id, key), condition=SeatItem.pk.exists())
    txn.update(
        _item(tenant_id),
        [users.set(users - 1), TenantItem.updated_at.set(utc_now_iso())],
        condition=TenantItem.pk.exists() & (users >= 1),
    )
    return _seat_commit(tenant_id, txn, held)


def _seat_commit(tenant_id: str, txn: Transaction, marker: int) -> bool:
    cancelled = txn.commit()
    if cancelled is None:
        return True
    if cancelled.condition_failed(marker):
        return False  # the key's marker says it is done already: nothing else was written
    if cancelled.condition_failed():
        raise ConditionFailed(tenant_id)
    raise ServiceUnavailable(f"The tenants transaction was cancelled: {cancelled.reasons}")


def holds_seat(tenant_id: str, key: str) -> bool:
    try:
        SeatItem.get(tenant_key(tenant_id), f"SEAT#{key}", consistent_read=True)
    except SeatItem.DoesNotExist:
        return False
    return True


def subtract_usage(tenant_id: str, usage: str, amount: int) -> TenantRecord:
    """usage -= amount, only while usage >= amount (never below zero). ConditionFailed otherwise."""
    used = TenantItem.usage[usage]
    return _update(
        tenant_id,
        [used.set(used - amount), TenantItem.updated_at.set(utc_now_iso())],
        TenantItem.pk.exists() & (used >= amount),
    )


def set_usage(tenant_id: str, usage: str, amount: int) -> tuple[int, TenantRecord]:
    """usage = amount (reconciliation); the previous value and the tenant before it. Set only if the usage
    is still the one read (a reservation racing it makes it read again), so `previous` is exact."""
    used = TenantItem.usage[usage]
    for _ in range(_SET_USAGE_ATTEMPTS):
        before = get(tenant_id)
        if before is None:
            raise ConditionFailed(tenant_id)
        previous = before.usage.get(usage)
        read = used.does_not_exist() if previous is None else used == previous
        try:
            _update(tenant_id, [used.set(amount), TenantItem.updated_at.set(utc_now_iso())], read)
        except ConditionFailed:
            continue
        return previous or 0, before
    raise ServiceUnavailable("The tenant's usage kept changing; try again")


def change_settings(
    current: TenantRecord,
    *,
    name: str | None,
    plan: str | None,
    quotas: Mapping[str, int],
    now: str,
    events: Sequence[ServiceEvent] = (),
    switches: Mapping[str, bool] | None = None,
) -> TenantRecord:
    """Compare-and-set: written only if the name, the plan and every quota still hold the values the
    caller read (a concurrent update makes this ConditionFailed, and the caller re-reads), so the events
    built from `current` and the changes describe exactly what was written. They commit with it.
    `switches` is the tenant's whole settings map after the change (conditioned on the one read)."""
    actions: list[Action] = [TenantItem.updated_at.set(now)]
    condition = TenantItem.pk.exists() & _unchanged(current)
    if name is not None:
        actions.append(TenantItem.name.set(name))
    if plan is not None:
        actions.append(TenantItem.plan.set(plan))
    for quota, value in sorted(quotas.items()):
        actions.append(TenantItem.quotas[quota].set(value))
        if quota not in current.quotas:
            condition &= TenantItem.quotas[quota].does_not_exist()
    if switches is not None:
        actions.append(TenantItem.settings.set(dict(switches)))
        if current.settings:
            condition &= TenantItem.settings == dict(current.settings)
        else:
            condition &= TenantItem.settings.does_not_exist()
    if not events and plan is None:
        return _update(current.tenant_id, actions, condition)
    txn = Transaction(table=TABLE)
    txn.update(_item(current.tenant_id), actions, condition=condition)
    if plan is not None:
        listing.move_plan(txn, current.tenant_id, plan, current.status)
    return _commit(current.tenant_id, txn, events)
