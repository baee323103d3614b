"""The tenants store in memory (`ports.TenantsStore`): every condition the DynamoDB store has DynamoDB
evaluate is evaluated here on the same terms, one call at a time (a lock stands in for DynamoDB's
per-request atomicity); events given to a write are staged in the in-memory outbox with it. Listing
pages are cut and keyed as the gsi1 partitions of `functions/tenants/listing.py` are."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from functions.tenants import listing
from functions.tenants.ports import ConditionFailed, TenantRecord
from shared.envelopes import Cursor, utc_now_iso
from shared.errors import InvalidRequest
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox


class FakeTenantsStore:
    def __init__(self, outbox: InMemoryOutbox) -> None:
        self.outbox = outbox
        self.tenants: dict[str, TenantRecord] = {}
        self.seats: set[tuple[str, str]] = set()  # (tenant, key): the seat markers
        self._lock = threading.Lock()

    # --- reads -------------------------------------------------------------------------------------
    def get(self, tenant_id: str) -> TenantRecord | None:
        return self.tenants.get(tenant_id)

    def get_many(self, tenant_ids: Sequence[str]) -> list[TenantRecord]:
        return [self.tenants[t] for t in tenant_ids if t in self.tenants]

    def tenant_ids(self, *, page_size: int, after: str | None) -> tuple[list[str], str | None]:
        ids = sorted(t for t in self.tenants if after is None or t > after)
        page = ids[:page_size]
        return page, page[-1] if len(ids) > page_size and page else None

    def listed(
        self, *, status: str | None, plan: str | None, page_size: int, cursor: str | None
    ) -> tuple[list[str], str | None]:
        chosen = listing.selection(status, plan)
        last_key, number = Cursor.decode(cursor)
        if last_key is not None and (
            set(last_key) != {"pk", "sk", "gsi1pk", "gsi1sk"}
            or last_key.get("gsi1pk") != {"S": chosen.partition}
        ):
            raise InvalidRequest("The cursor is not valid", field="cursor")
        after = None if last_key is None else str(last_key["gsi1sk"]["S"])
        keyed = sorted(
            (sort_key, record.tenant_id)
            for record in self.tenants.values()
            if (sort_key := self._listing_key(chosen, record)) is not None
            and (after is None or sort_key > after)
        )
        page = keyed[:page_size]
        next_key = None
        if len(keyed) > page_size and page:
            sort_key, tenant_id = page[-1]
            next_key = {
                "pk": {"S": f"TENANT#{tenant_id}"},
                "sk": {"S": "LISTING"},
                "gsi1pk": {"S": chosen.partition},
                "gsi1sk": {"S": sort_key},
            }
        return [tenant_id for _, tenant_id in page], Cursor.encode(next_key, page=number + 1)

    @staticmethod
    def _listing_key(chosen: listing.Selection, record: TenantRecord) -> str | None:
        """The record's gsi1sk in the selection's partition, or None when it is not in it."""
        if chosen.partition == listing.DIRECTORY:
            return record.tenant_id
        if chosen.partition == listing.status_partition(record.status):
            return record.tenant_id
        if chosen.partition == listing.plan_partition(record.plan):
            sort_key = f"{record.status}#{record.tenant_id}"
            return sort_key if chosen.prefix is None or sort_key.startswith(chosen.prefix) else None
        return None

    # --- writes ------------------------------------------------------------------------------------
    def put_new(self, record: TenantRecord) -> None:
        with self._lock:
            if record.tenant_id in self.tenants:
                raise ConditionFailed(record.tenant_id)
            self.tenants[record.tenant_id] = record

    def set_status(
        self,
        tenant_id: str,
        status: str,
        *,
        when: tuple[str, ...],
        now: str,
        unchanged: TenantRecord | None = None,
        events: Sequence[ServiceEvent] = (),
        withdraw: Sequence[ServiceEvent] = (),
    ) -> TenantRecord:
        with self._lock:
            current = self._existing(tenant_id)
            if current.status not in when or (unchanged is not None and not _holds(current, unchanged)):
                raise ConditionFailed(tenant_id)
            return self._write(replace(current, status=status, updated_at=now), events, withdraw)

    def delete_provisioning(self, tenant_id: str) -> None:
        with self._lock:
            current = self.tenants.get(tenant_id)
            if current is not None and current.status != "provisioning":
                raise ConditionFailed(tenant_id)
            self.tenants.pop(tenant_id, None)

    def add_usage(self, tenant_id: str, usage: str, quota: str, amount: int, limit: int) -> TenantRecord:
        with self._lock:
            current = self._existing(tenant_id)
            used = current.usage.get(usage)
            if used is None or used > limit - amount or current.quotas.get(quota) != limit:
                raise ConditionFailed(tenant_id)
            return self._write(_with_usage(current, usage, used + amount))

    def subtract_usage(self, tenant_id: str, usage: str, amount: int) -> TenantRecord:
        with self._lock:
            current = self._existing(tenant_id)
            used = current.usage.get(usage)
            if used is None or used < amount:
                raise ConditionFailed(tenant_id)
            return self._write(_with_usage(current, usage, used - amount))

    def reserve_seat(self, tenant_id: str, key: str, *, limit: int, expires_at: int) -> bool:
        with self._lock:
            if (tenant_id, key) in self.seats:
                return False
            current = self._existing(tenant_id)
            used = current.usage.get("users")
            if used is None or used > limit - 1 or current.quotas.get("maxUsers") != limit:
                raise ConditionFailed(tenant_id)
            self._write(_with_usage(current, "users", used + 1))
            self.seats.add((tenant_id, key))
            return True

    def release_seat(self, tenant_id: str, key: str) -> bool:
        with self._lock:
            if (tenant_id, key) not in self.seats:
                return False
            current = self._existing(tenant_id)
            used = current.usage.get("users")
            if used is None or used < 1:
                raise ConditionFailed(tenant_id)
            self._write(_with_usage(current, "users", used - 1))
            self.seats.discard((tenant_id, key))
            return True

    def holds_seat(self, tenant_id: str, key: str) -> bool:
        return (tenant_id, key) in self.seats

    def set_usage(self, tenant_id: str, usage: str, amount: int) -> tuple[int, TenantRecord]:
        with self._lock:
            before = self._existing(tenant_id)
            self._write(_with_usage(before, usage, amount))
            return before.usage.get(usage, 0), before

    def change_settings(
        self,
        current: TenantRecord,
        *,
        name: str | None,
        plan: str | None,
        quotas: Mapping[str, int],
        now: str,
        events: Sequence[ServiceEvent] = (),
        switches: Mapping[str, bool] | None = None,
    ) -> TenantRecord:
        with self._lock:
            stored = self._existing(current.tenant_id)
            new_quota_taken = any(q in stored.quotas for q in quotas if q not in current.quotas)
            settings_moved = switches is not None and stored.settings != current.settings
            if not _holds(stored, current) or new_quota_taken or settings_moved:
                raise ConditionFailed(current.tenant_id)
            changes: dict[str, Any] = {"updated_at": now, "quotas": {**stored.quotas, **quotas}}
            if name is not None:
                changes["name"] = name
            if plan is not None:
                changes["plan"] = plan
            if switches is not None:
                changes["settings"] = dict(switches)
            return self._write(replace(stored, **changes), events)

    # --- the "transaction" -------------------------------------------------------------------------
    def _existing(self, tenant_id: str) -> TenantRecord:
        current = self.tenants.get(tenant_id)
        if current is None:
            raise ConditionFailed(tenant_id)
        return current

    def _write(
        self,
        after: TenantRecord,
        events: Sequence[ServiceEvent] = (),
        withdraw: Sequence[ServiceEvent] = (),
    ) -> TenantRecord:
        self.tenants[after.tenant_id] = after
        self.outbox.stage(*events)
        self.outbox.unstage(*withdraw)
        return after


def _holds(stored: TenantRecord, read: TenantRecord) -> bool:
    """The store's `_settings_condition`: name, plan and every quota read are still the stored ones."""
    return (
        stored.name == read.name
        and stored.plan == read.plan
        and all(stored.quotas.get(q) == v for q, v in read.quotas.items())
    )


def _with_usage(record: TenantRecord, usage: str, amount: int) -> TenantRecord:
    return replace(record, usage={**record.usage, usage: amount}, updated_at=utc_now_iso())
