"""What the tenants domain (lifecycle, administration, quota, lookup, browse, directory) needs from
outside: its store and the outbox. The DynamoDB adapter is `functions.tenants.store` (with `listing`);
unit tests put the in-memory fake of `tests/unit/functions/tenants/fakes.py` in its place (shared.ports).
Deletion (`deletion`, `deletion_store`) still uses the DynamoDB store directly."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from shared.events.model import ServiceEvent
from shared.ports import EventOutbox, Port, kernel_outbox


class ConditionFailed(Exception):
    """The item was not in the state the write required (or did not exist)."""


@dataclass(frozen=True)
class TenantRecord:
    tenant_id: str
    name: str
    plan: str
    status: str
    quotas: dict[str, int]
    usage: dict[str, int]
    created_at: str
    updated_at: str
    # Tenant-wide switches (`requireVerifiedEmail`, ...); a switch never set is absent (its default).
    settings: dict[str, bool] = field(default_factory=dict)


class TenantsStore(Protocol):
    """Each write is decided by the store on the state it finds (ConditionFailed when the state is not the
    one required), never by a read before it; events given to a write are staged with it."""

    def get(self, tenant_id: str) -> TenantRecord | None: ...

    def get_many(self, tenant_ids: Sequence[str]) -> list[TenantRecord]: ...

    def put_new(self, record: TenantRecord) -> None: ...

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
    ) -> TenantRecord: ...

    def delete_provisioning(self, tenant_id: str) -> None: ...

    def add_usage(self, tenant_id: str, usage: str, quota: str, amount: int, limit: int) -> TenantRecord: ...

    def subtract_usage(self, tenant_id: str, usage: str, amount: int) -> TenantRecord: ...

    def reserve_seat(self, tenant_id: str, key: str, *, limit: int, expires_at: int) -> bool:
        """One user seat under `key`, with the key's marker, in one transaction: True when counted now,
        False when the key already holds one (nothing counted); ConditionFailed when the tenant is full,
        absent, or its limit is no longer `limit`."""
        ...

    def release_seat(self, tenant_id: str, key: str) -> bool:
        """Give back the seat `key` holds (marker and count together): False when it holds none."""
        ...

    def holds_seat(self, tenant_id: str, key: str) -> bool: ...

    def set_usage(self, tenant_id: str, usage: str, amount: int) -> tuple[int, TenantRecord]: ...

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
    ) -> TenantRecord: ...

    def tenant_ids(self, *, page_size: int, after: str | None) -> tuple[list[str], str | None]: ...

    def listed(
        self, *, status: str | None, plan: str | None, page_size: int, cursor: str | None
    ) -> tuple[list[str], str | None]: ...


def _dynamodb() -> TenantsStore:
    # Imported on first use (boto3 loads only where the store is used); mypy checks the module fits.
    from functions.tenants import store as dynamodb

    return dynamodb


store: Port[TenantsStore] = Port(_dynamodb)
outbox: Port[EventOutbox] = Port(kernel_outbox)
