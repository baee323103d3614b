"""The `MFA#<userId>` items of the users table (one factor per user, in the tenant's users partition), the
DynamoDB side of `ports.FactorStore`: status `pending`/`active`, pendingSecret / secret (sealed:
shared.sealed), lastStep (the last TOTP time-step accepted), recovery (a string set of the sha256 of the
unused recovery codes), createdAt, enabledAt.

Every single-use rule is a condition DynamoDB evaluates: a time-step is accepted only above `lastStep`, a
recovery code only while the set contains it. The challenges of a login are `challenge_store`'s.
"""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute

from functions.users.records import Factor
from functions.users.store import TABLE, partition
from shared.events.model import ServiceEvent
from shared.tables import Item, table_meta
from shared.transactions import Transaction, conditionally


class FactorItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    status = UnicodeAttribute()
    secret = UnicodeAttribute(null=True)
    pending_secret = UnicodeAttribute(attr_name="pendingSecret", null=True)
    last_step = NumberAttribute(attr_name="lastStep", null=True)
    recovery = UnicodeSetAttribute(null=True)
    created_at = UnicodeAttribute(attr_name="createdAt", null=True)
    enabled_at = UnicodeAttribute(attr_name="enabledAt", null=True)

    def record(self) -> Factor:
        return Factor(
            user_id=self.sk.removeprefix("MFA#"),
            status=self.status,
            secret=self.secret,
            pending_secret=self.pending_secret,
            last_step=int(self.last_step or 0),
            recovery=frozenset(self.recovery or ()),
        )


def factor_sk(user_id: str) -> str:
    return f"MFA#{user_id}"


def _item(tenant_id: str, user_id: str) -> FactorItem:
    return FactorItem(partition(tenant_id), factor_sk(user_id))


def get(tenant_id: str, user_id: str) -> Factor | None:
    item = FactorItem.get_live(partition(tenant_id), factor_sk(user_id))
    return item.record() if item else None


def put_pending(tenant_id: str, user_id: str, sealed_secret: str, *, now: str) -> bool:
    """Start (or restart) an enrolment; False when MFA is already active (disable it first)."""
    item = _item(tenant_id, user_id)
    item.status, item.pending_secret, item.created_at = "pending", sealed_secret, now
    condition = FactorItem.pk.does_not_exist() | (FactorItem.status == "pending")
    return conditionally(lambda: item.save(condition=condition))


def activate(
    tenant_id: str,
    user_id: str,
    *,
    pending_secret: str,
    step: int,
    recovery_hashes: Sequence[str],
    now: str,
    events: Sequence[ServiceEvent] = (),
) -> bool:
    """pending → active with the secret that was checked, its first accepted step and the recovery codes,
    committed with the events. False when the enrolment changed meanwhile."""
    txn = Transaction(table=TABLE)
    txn.update(
        _item(tenant_id, user_id),
        [
            FactorItem.status.set("active"),
            FactorItem.secret.set(pending_secret),
            FactorItem.last_step.set(step),
            FactorItem.recovery.set(set(recovery_hashes)),
            FactorItem.enabled_at.set(now),
            FactorItem.pending_secret.remove(),
        ],
        condition=(FactorItem.status == "pending") & (FactorItem.pending_secret == pending_secret),
    )
    txn.stage(*events)
    return txn.commit() is None


def remove(tenant_id: str, user_id: str, *, events: Sequence[ServiceEvent] = ()) -> bool:
    """Delete the factor (MFA off), committed with the events. False if it was gone."""
    txn = Transaction(table=TABLE)
    txn.delete(_item(tenant_id, user_id), condition=FactorItem.pk.exists())
    txn.stage(*events)
    return txn.commit() is None


def forget(tenant_id: str, user_id: str) -> None:
    """The user is deleted: its factor goes too (idempotent)."""
    _item(tenant_id, user_id).delete()


def accept_step(tenant_id: str, user_id: str, step: int) -> bool:
    """Accept a TOTP time-step once: only if it is later than every step accepted before (a replayed code,
    or an older one, is refused)."""
    item = _item(tenant_id, user_id)
    condition = (FactorItem.status == "active") & (FactorItem.last_step < step)
    return conditionally(lambda: item.update(actions=[FactorItem.last_step.set(step)], condition=condition))


def use_recovery_code(tenant_id: str, user_id: str, code_hash: str) -> bool:
    """Take one recovery code out of the set, only while it is in it (each works once)."""
    item = _item(tenant_id, user_id)
    condition = (FactorItem.status == "active") & FactorItem.recovery.contains(code_hash)
    return conditionally(
        lambda: item.update(actions=[FactorItem.recovery.delete({code_hash})], condition=condition)
    )
