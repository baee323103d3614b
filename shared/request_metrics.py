"""Request counts and duration histograms per method, route, tenant and status (seed 001's
`http_requests_total` and `http_request_duration_seconds`), for every HTTP function.

A request costs no call: each container adds to an in-memory buffer, and adds the buffer to the kernel's
`requestmetrics` table (one TransactWriteItems of ADDs, up to 100 series) at most every
`STRATUS_REQUEST_METRICS_FLUSH_SECONDS`. A container that dies between flushes loses at most that interval's
counts; the EMF metrics in CloudWatch have them too. Monitoring's `/internal/metrics` reads the table.
Series are kept per UTC day (one partition per day); Prometheus treats the midnight restart as a counter
reset, which `rate()` handles.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared import aws
from shared.config import settings
from shared.declarations import REQUEST_METRICS_TABLE
from shared.observability import logger

# Seed 001's histogram buckets, in seconds.
BUCKETS = (0.1, 0.5, 1.0, 2.0, 5.0)
FLUSH_SECONDS_DEFAULT = 10.0
KEEP_SECONDS = 35 * 24 * 3600  # a day's series expire (TTL) after five weeks
_TRANSACTION_LIMIT = 100
_SEP = "|"

log = logger("kernel")


@dataclass
class Series:
    method: str
    route: str
    tenant: str
    status: int
    count: int = 0
    sum_ms: float = 0.0
    # Non-cumulative counts per bucket (`le` = BUCKETS[i]); what is above the last bucket is count - sum.
    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))

    @property
    def key(self) -> str:
        return _SEP.join((self.method, self.route, self.tenant, str(self.status)))

    def add(self, duration_ms: float, times: int = 1) -> None:
        self.count += times
        self.sum_ms += duration_ms
        seconds = duration_ms / 1000
        for i, upper in enumerate(BUCKETS):
            if seconds <= upper:
                self.buckets[i] += times
                break


class _Buffer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._series: dict[str, Series] = {}
        self._last_flush = time.monotonic()

    def record(self, method: str, route: str, tenant: str | None, status: int, duration_ms: float) -> None:
        probe = Series(method.upper(), route, tenant or "-", status)
        with self._lock:
            self._series.setdefault(probe.key, probe).add(duration_ms)

    def take_if_due(self, interval: float, *, force: bool = False) -> list[Series]:
        with self._lock:
            now = time.monotonic()
            if not self._series or (not force and now - self._last_flush < interval):
                return []
            taken, self._series, self._last_flush = list(self._series.values()), {}, now
            return taken

    def put_back(self, series: list[Series]) -> None:
        with self._lock:
            for s in series:
                kept = self._series.setdefault(s.key, Series(s.method, s.route, s.tenant, s.status))
                kept.count += s.count
                kept.sum_ms += s.sum_ms
                kept.buckets = [a + b for a, b in zip(kept.buckets, s.buckets, strict=True)]


_buffer = _Buffer()


def enabled() -> bool:
    return os.environ.get("STRATUS_REQUEST_METRICS", "on") != "off"


def flush_interval() -> float:
    return float(os.environ.get("STRATUS_REQUEST_METRICS_FLUSH_SECONDS", FLUSH_SECONDS_DEFAULT))


def record(method: str, route: str, tenant: str | None, status: int, duration_ms: float) -> None:
    """Count one request; flush the container's buffer if the interval has passed."""
    if not enabled():
        return
    _buffer.record(method, route, tenant, status, duration_ms)
    flush(force=False)


def flush(*, force: bool = True) -> int:
    """Add the buffered counts to the table; → how many series were written. Never raises: metrics must
    not fail a request. What could not be written goes back into the buffer for the next flush."""
    series = _buffer.take_if_due(flush_interval(), force=force)
    if not series:
        return 0
    table, day = settings().table_name(REQUEST_METRICS_TABLE.name), _today()
    written = 0
    try:
        for start in range(0, len(series), _TRANSACTION_LIMIT):
            chunk = series[start : start + _TRANSACTION_LIMIT]
            aws.client("dynamodb").transact_write_items(TransactItems=[_update(table, day, s) for s in chunk])
            written += len(chunk)
    except Exception:  # whatever the failure, metrics must not fail the request
        log.warning("request metrics not flushed; kept for the next flush", exc_info=True)
        _buffer.put_back(series[written:])
    return written


def _update(table: str, day: str, s: Series) -> Any:
    names = {"#count": "count", "#sum": "sumMs", "#expires": "expiresAt"}
    values: dict[str, object] = {
        ":count": {"N": str(s.count)},
        ":sum": {"N": f"{s.sum_ms:.3f}"},
        ":expires": {"N": str(int(time.time()) + KEEP_SECONDS)},
    }
    adds = ["#count :count", "#sum :sum"]
    for i, n in enumerate(s.buckets):
        names[f"#b{i}"], values[f":b{i}"] = f"b{i}", {"N": str(n)}
        adds.append(f"#b{i} :b{i}")
    return {
        "Update": {
            "TableName": table,
            "Key": {"pk": {"S": f"REQUESTS#{day}"}, "sk": {"S": s.key}},
            "UpdateExpression": "ADD " + ", ".join(adds) + " SET #expires = :expires",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def read(day: str | None = None) -> Iterator[Series]:
    """Every series of a UTC day (today by default): a Query of that day's partition."""
    table = settings().table_name(REQUEST_METRICS_TABLE.name)
    paginator = aws.client("dynamodb").get_paginator("query")
    pages = paginator.paginate(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"REQUESTS#{day or _today()}"}},
    )
    for page in pages:
        for item in page.get("Items", []):
            method, route, tenant, status = item["sk"]["S"].split(_SEP)
            yield Series(
                method=method,
                route=route,
                tenant=tenant,
                status=int(status),
                count=int(item.get("count", {}).get("N", "0")),
                sum_ms=float(item.get("sumMs", {}).get("N", "0")),
                buckets=[int(item.get(f"b{i}", {}).get("N", "0")) for i in range(len(BUCKETS))],
            )


def _today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")
