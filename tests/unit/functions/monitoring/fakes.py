"""The monitoring store in memory (`ports.MonitoringStore`): an event counted once, a job id stored once,
each decided in one step as DynamoDB's conditions decide it (a lock stands in for its atomicity)."""

from __future__ import annotations

import threading

from functions.monitoring.models import COUNTERS
from functions.monitoring.ports import ExecutionRecord, Increments
from shared.envelopes import Cursor
from shared.errors import InvalidRequest


class FakeMonitoringStore:
    def __init__(self) -> None:
        self.counters: dict[tuple[str, str], dict[str, int]] = {}  # (tenant, day) -> counter -> n
        self.counted: set[str] = set()
        self.executions: dict[str, ExecutionRecord] = {}  # job id -> the first report
        self._lock = threading.Lock()

    def count_once(self, event_id: str, day: str, increments: Increments) -> bool:
        with self._lock:
            if event_id in self.counted:
                return False
            unknown = {name for counters in increments.values() for name in counters} - set(COUNTERS)
            if unknown:
                raise KeyError(f"not counters: {sorted(unknown)}")
            self.counted.add(event_id)
            for tenant_id, counters in increments.items():
                held = self.counters.setdefault((tenant_id, day), {})
                for name, amount in counters.items():
                    held[name] = held.get(name, 0) + amount
            return True

    def days(self, tenant_id: str, first: str, last: str) -> dict[str, dict[str, int]]:
        return {
            d: dict(c) for (t, d), c in sorted(self.counters.items()) if t == tenant_id and first <= d <= last
        }

    def every_tenant(self, day: str) -> dict[str, dict[str, int]]:
        return {t: dict(c) for (t, d), c in sorted(self.counters.items()) if d == day}

    def insert_execution(self, execution: ExecutionRecord) -> ExecutionRecord:
        with self._lock:
            return self.executions.setdefault(execution.job_id, execution)

    def executions_total(self) -> int:
        return len(self.executions)

    def executions_page(
        self, *, page_size: int, cursor: str | None
    ) -> tuple[list[ExecutionRecord], str | None]:
        start, page = Cursor.decode(cursor)
        if start is not None and not isinstance(start.get("after"), str):
            raise InvalidRequest("The cursor is not valid", field="cursor")
        keyed = sorted(((f"{e.started_at}#{e.job_id}", e) for e in self.executions.values()), reverse=True)
        if start is not None:
            keyed = [(k, e) for k, e in keyed if k < start["after"]]
        taken = keyed[:page_size]
        more = len(keyed) > page_size
        return [e for _, e in taken], Cursor.encode({"after": taken[-1][0]}, page=page + 1) if more else None
