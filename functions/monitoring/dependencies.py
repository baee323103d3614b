"""Health probes of the platform's managed dependencies: every table, the bus and the bucket."""

from __future__ import annotations

import contextvars
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from botocore.exceptions import BotoCoreError, ClientError

from shared import aws
from shared.config import settings
from shared.models import CamelModel

Status = Literal["healthy", "unhealthy"]


class Check(CamelModel):
    status: Status
    latency_ms: float
    error: str | None = None


def _probe(call: Callable[[], object]) -> Check:
    started = time.perf_counter()
    try:
        call()
        error = None
    except (BotoCoreError, ClientError) as exc:
        error = str(exc)
    latency = round((time.perf_counter() - started) * 1000, 2)
    return Check(status="unhealthy" if error else "healthy", latency_ms=latency, error=error)


def _table_is_active(name: str) -> None:
    status = aws.client("dynamodb").describe_table(TableName=name)["Table"]["TableStatus"]
    if status != "ACTIVE":
        raise ClientError(
            {"Error": {"Code": "TableNotActive", "Message": f"{name} is {status}"}}, "DescribeTable"
        )


def _table_probe(name: str) -> Callable[[], object]:
    return lambda: _table_is_active(name)


def probes() -> dict[str, Callable[[], object]]:
    cfg = settings()
    found = {f"table:{t}": _table_probe(cfg.table_name(t)) for t in cfg.tables}
    found["bus"] = lambda: aws.client("events").describe_event_bus(Name=cfg.bus_name)
    found["bucket"] = lambda: aws.client("s3").head_bucket(Bucket=cfg.bucket_name)
    return found


def check_all() -> dict[str, Check]:
    """Every probe at once: the slowest dependency sets the latency, not the sum."""
    named = probes()
    with ThreadPoolExecutor(max_workers=min(8, len(named))) as pool:
        # Each probe runs in a copy of the request's context, so its log lines carry the request id.
        futures = {name: pool.submit(contextvars.copy_context().run, _probe, p) for name, p in named.items()}
        results = {name: future.result() for name, future in futures.items()}
    return dict(sorted(results.items()))
