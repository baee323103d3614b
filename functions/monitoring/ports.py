"""What the monitoring domain (counting, executions, the Prometheus exposition) needs from its table: the
store. The DynamoDB adapter is `functions.monitoring.store`; unit tests put the in-memory fake of
`tests/unit/functions/monitoring/fakes.py` in its place (shared.ports). The queues (`queue_store`, SQS) and
the dependency probes are not behind this port."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from shared.ports import Port

# Counters by name (functions/monitoring/models.py COUNTERS), per tenant.
Increments = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class ExecutionRecord:
    """A scheduled job's reported result."""

    job_id: str
    job_type: str
    status: str
    duration: int
    processed_items: int
    started_at: str
    finished_at: str
    errors: list[str] = field(default_factory=list)


class MonitoringStore(Protocol):
    def count_once(self, event_id: str, day: str, increments: Increments) -> bool:
        """Add `increments` ({tenant: {counter: n}}) to each tenant's `day`, all or nothing, once per
        event: True if added now, False if this event was already counted."""
        ...

    def days(self, tenant_id: str, first: str, last: str) -> dict[str, dict[str, int]]:
        """The tenant's counters of each day from `first` to `last` (inclusive) that has any."""
        ...

    def every_tenant(self, day: str) -> dict[str, dict[str, int]]:
        """Every tenant's counters of `day`."""
        ...

    def insert_execution(self, execution: ExecutionRecord) -> ExecutionRecord:
        """Store the execution once per job id; the stored one (the earlier report when there was one)."""
        ...

    def executions_total(self) -> int: ...

    def executions_page(
        self, *, page_size: int, cursor: str | None
    ) -> tuple[list[ExecutionRecord], str | None]:
        """Newest first; a next cursor only when there is more."""
        ...


def _dynamodb() -> MonitoringStore:
    # Imported on first use (pynamodb loads only where the store is used); mypy checks the module fits.
    from functions.monitoring import store as dynamodb

    return dynamodb


store: Port[MonitoringStore] = Port(_dynamodb)
