"""Powertools logger, metrics and tracer, one of each per service and container, created on first use.

- Logs: request id, correlation id and tenant id are on every line (`HttpApp`/`Subscriber` bind them with
  Powertools' thread-safe keys, because the local runner serves many requests at once in one process).
- Metrics: one EMF record per request (Requests, Errors, Latency by service and route; tenant as a
  property, not a dimension, to keep CloudWatch cardinality bounded). Off with POWERTOOLS_METRICS_DISABLED.
- Traces: annotations on the X-Ray segment, only on Lambda with tracing on; the X-Ray SDK is imported then
  and only then, so it never costs a cold start elsewhere.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

NAMESPACE = "Stratus"
_metrics_lock = threading.Lock()


@cache
def logger(service: str) -> Logger:
    return Logger(service=service)


@cache
def metrics(service: str) -> Metrics:
    return Metrics(namespace=NAMESPACE, service=service)


@cache
def tracer(service: str) -> Tracer:
    from aws_lambda_powertools import Tracer  # deferred: X-Ray's SDK is only worth loading when tracing

    return Tracer(service=service)


def _enabled(flag: str) -> bool:
    return os.environ.get(flag, "false").lower() not in ("true", "1")


@contextmanager
def log_keys(log: Logger, **keys: object) -> Iterator[None]:
    """Add keys to every line `log` writes on this thread until the block ends, then restore the keys the
    thread had before (in-process calls nest one request inside another)."""
    saved = log.thread_safe_get_current_keys()
    log.thread_safe_append_keys(**keys)
    try:
        yield
    finally:
        log.thread_safe_clear_keys()
        if saved:
            log.thread_safe_append_keys(**saved)


def record_request(service: str, route: str, status: int, duration_ms: float, tenant_id: str | None) -> None:
    if not _enabled("POWERTOOLS_METRICS_DISABLED"):
        return
    # Powertools keeps one metric set per namespace for the whole process: add and flush as one step.
    with _metrics_lock:
        emf = metrics(service)
        emf.add_dimension(name="route", value=route)
        emf.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
        emf.add_metric(name="Errors", unit=MetricUnit.Count, value=1 if status >= 500 else 0)
        emf.add_metric(name="Latency", unit=MetricUnit.Milliseconds, value=duration_ms)
        if tenant_id:
            emf.add_metadata(key="tenant_id", value=tenant_id)
        emf.flush_metrics()


def record_business(service: str, counts: dict[str, int], *, tenant_id: str | None = None) -> None:
    """Business counters (logins, uploads, ...) as EMF metrics, beside the ones in DynamoDB."""
    if not _enabled("POWERTOOLS_METRICS_DISABLED") or not counts:
        return
    with _metrics_lock:
        emf = metrics(service)
        for name, value in counts.items():
            emf.add_metric(name=name, unit=MetricUnit.Count, value=value)
        if tenant_id:
            emf.add_metadata(key="tenant_id", value=tenant_id)
        emf.flush_metrics()


def annotate(service: str, **annotations: str | None) -> None:
    if "AWS_LAMBDA_FUNCTION_NAME" not in os.environ or not _enabled("POWERTOOLS_TRACE_DISABLED"):
        return
    trace = tracer(service)
    for key, value in annotations.items():
        if value is not None:
            trace.put_annotation(key=key, value=value)
