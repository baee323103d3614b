"""The kernel subscriber's idempotency (Powertools) kept in memory instead of the idempotency table, so a
service's domain tests can hand events to its subscriber without moto. The rules are the DynamoDB layer's:
a key is taken once, again only after its record expired or its in-progress marker did."""

from __future__ import annotations

import time
from types import ModuleType
from typing import Any

import pytest
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import STATUS_CONSTANTS, DataRecord

from shared.events import subscriber as kernel_subscriber


class InMemoryIdempotency(BasePersistenceLayer):
    def __init__(self, **_: Any) -> None:  # the DynamoDB layer's arguments (table, client) name nothing here
        super().__init__()  # type: ignore[no-untyped-call]
        self.records: dict[str, DataRecord] = {}

    def _get_record(self, idempotency_key: str) -> DataRecord:
        if idempotency_key not in self.records:
            raise IdempotencyItemNotFoundError
        return self.records[idempotency_key]

    def _put_record(self, data_record: DataRecord) -> None:
        held = self.records.get(data_record.idempotency_key)
        now = time.time()
        free = (
            held is None
            or (held.expiry_timestamp or 0) < int(now)
            or (
                held.status == STATUS_CONSTANTS["INPROGRESS"]
                and held.in_progress_expiry_timestamp is not None
                and held.in_progress_expiry_timestamp < int(now * 1000)
            )
        )
        if not free:
            raise IdempotencyItemAlreadyExistsError(old_data_record=held)
        self.records[data_record.idempotency_key] = data_record

    def _update_record(self, data_record: DataRecord) -> None:
        self.records[data_record.idempotency_key] = data_record

    def _delete_record(self, data_record: DataRecord) -> None:
        self.records.pop(data_record.idempotency_key, None)


def in_memory(monkeypatch: pytest.MonkeyPatch, *modules: ModuleType) -> None:
    """Kernel subscribers built from now on remember events in memory; the `subscriber` of each of
    `modules` forgets what it remembered (each test starts as a fresh container)."""
    monkeypatch.setattr(kernel_subscriber, "persistence_layer", InMemoryIdempotency)
    for module in modules:
        forget(module)


def forget(module: ModuleType) -> None:
    """The subscriber of `module` forgets every event it handled (as if its records expired)."""
    module.subscriber._once_built = None
