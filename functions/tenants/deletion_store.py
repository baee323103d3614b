"""A tenant's deletion, as the `tenants` table keeps it: status `deleting` and a `deletion` map on the
tenant's `TENANT` item (requestedAt, requestedBy, round, and per service {round, complete, cursor} plus
the items each removed). Every change is conditioned on the tenant still being in that deletion round, so
concurrent progress reports and duplicates settle in DynamoDB. Reads and writes go through the store's
`TenantItem` (pynamodb) and shared.transactions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from functions.tenants import listing
from functions.tenants.store import TABLE, TenantItem, plain
from shared.events.model import ServiceEvent
from shared.tables import tenant_key
from shared.transactions import Transaction, conditionally

SORT_KEY = "TENANT"
_DELETION = TenantItem.deletion


@dataclass(frozen=True)
class ServiceState:
    round: int
    complete: bool
    cursor: str | None
    removed: int


@dataclass(frozen=True)
class DeletionState:
    tenant_id: str
    requested_at: str
    round: int
    services: dict[str, ServiceState]

    def round_complete(self) -> bool:
        return all(s.round == self.round and s.complete for s in self.services.values())

    @property
    def removed(self) -> int:
        return sum(s.removed for s in self.services.values())


def _item(tenant_id: str) -> TenantItem:
    return TenantItem(tenant_key(tenant_id), SORT_KEY)


def _fresh(services: Sequence[str], round_: int) -> dict[str, Any]:
    return {s: {"round": round_, "complete": False, "cursor": None} for s in services}


def _state(tenant_id: str, item: TenantItem) -> DeletionState | None:
    deletion = plain(item.deletion)
    if item.status != "deleting" or not deletion:
        return None
    removed = {k: int(v) for k, v in deletion.get("removed", {}).items()}
    services = {
        name: ServiceState(
            int(entry["round"]), bool(entry["complete"]), entry.get("cursor"), removed.get(name, 0)
        )
        for name, entry in deletion["services"].items()
    }
    return DeletionState(tenant_id, str(deletion["requestedAt"]), int(deletion["round"]), services)


def _in_round(round_: int) -> Any:
    return (TenantItem.status == "deleting") & (_DELETION["round"] == round_)


def get(tenant_id: str) -> DeletionState | None:
    item = TenantItem.get_live(tenant_key(tenant_id), SORT_KEY)
    return _state(tenant_id, item) if item else None


def start(
    tenant_id: str,
    *,
    requested_at: str,
    requested_by: str,
    services: Sequence[str],
    event: ServiceEvent,
) -> bool:
    """active/suspended → deleting, with round 1 for every service and `tenant.deleting` staged, in one
    transaction (the listing items move to `deleting` with it). False when the tenant is not there, still
    provisioning, or already deleting."""
    deletion = {
        "requestedAt": requested_at,
        "requestedBy": requested_by,
        "round": 1,
        "services": _fresh(services, 1),
        "removed": {},
    }
    txn = Transaction(table=TABLE)
    txn.update(
        _item(tenant_id),
        [TenantItem.status.set("deleting"), TenantItem.updated_at.set(requested_at), _DELETION.set(deletion)],
        condition=TenantItem.status.is_in("active", "suspended"),
    )
    listing.move_status(txn, tenant_id, "deleting")
    txn.stage(event)
    return txn.commit() is None


def record(
    tenant_id: str, service: str, round_: int, *, complete: bool, removed: int, cursor: str | None
) -> DeletionState | None:
    """One service's report for the current round; the deletion after it, or None when the report is for
    another round (a duplicate or a straggler), a service not asked, or a tenant no longer deleting."""
    item = _item(tenant_id)
    reported = _DELETION["services"][service]
    count = _DELETION["removed"][service]
    actions = [
        reported.set({"round": round_, "complete": complete, "cursor": cursor}),
        count.set((count | 0) + removed),
    ]
    if not conditionally(
        lambda: item.update(actions=actions, condition=_in_round(round_) & reported.exists())
    ):
        return None
    return _state(tenant_id, item)


def advance(tenant_id: str, round_: int, services: Sequence[str], event: ServiceEvent) -> bool:
    """Round `round_` → the next, every service pending again, its `tenant.deleting` staged; of two
    reporters that both saw the round complete, one advances it."""
    txn = Transaction(table=TABLE)
    actions = [_DELETION["round"].set(round_ + 1), _DELETION["services"].set(_fresh(services, round_ + 1))]
    txn.update(_item(tenant_id), actions, condition=_in_round(round_))
    txn.stage(event)
    return txn.commit() is None


def remove_tenant(tenant_id: str, round_: int, event: ServiceEvent) -> bool:
    """The last step: the `TENANT` item goes, with `tenant.deleted` staged (only while it is deleting in
    this round: a duplicate report finds it gone), its listing items with it; anything else of the tenant
    in the table goes next (shared.tenant_purge)."""
    txn = Transaction(table=TABLE)
    txn.delete(_item(tenant_id), condition=_in_round(round_))
    listing.delete(txn, tenant_id)
    txn.stage(event)
    return txn.commit() is None


def exists(tenant_id: str) -> bool:
    return TenantItem.get_live(tenant_key(tenant_id), SORT_KEY) is not None
