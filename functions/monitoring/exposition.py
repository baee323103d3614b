"""Prometheus text exposition format 0.0.4 (seed 001's metric names), rendered from today's numbers.

- `http_requests_total{method,route,status_code,tenant_id}` and the histogram
  `http_request_duration_seconds{method,route,tenant_id}` (buckets 0.1 .. 5 s, summed over statuses) come
  from the kernel's request-metrics table (`shared.request_metrics`), one partition per UTC day.
- `stratus_events_total{tenant_id,kind}` comes from today's per-tenant counters (the day index).

Both restart from zero at UTC midnight; Prometheus treats that as a counter reset, which `rate()` handles.
Requests without a tenant carry the kernel's `-` as tenant_id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from shared.request_metrics import BUCKETS, Series

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Counters that count events (the byte counters are amounts, not events).
EVENT_KINDS = (
    "logins",
    "uploads",
    "deletedFiles",
    "usersCreated",
    "usersDeleted",
    "tenantsCreated",
    "jobsCompleted",
    "jobsFailed",
)


def escape(value: str) -> str:
    """A label value as the format requires: backslash, double quote and line feed escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(pairs: Iterable[tuple[str, str]]) -> str:
    return "{" + ",".join(f'{name}="{escape(value)}"' for name, value in pairs) + "}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass
class _Histogram:
    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    count: int = 0
    sum_ms: float = 0.0


def render(series: Iterable[Series], events: Mapping[str, Mapping[str, int]]) -> str:
    """The exposition text for request `series` and per-tenant event counters (`tenant → kind → n`)."""
    series = sorted(series, key=lambda s: (s.route, s.method, s.tenant, s.status))
    lines = [
        "# HELP http_requests_total HTTP requests by method, route, status code and tenant (UTC day).",
        "# TYPE http_requests_total counter",
    ]
    histograms: dict[tuple[str, str, str], _Histogram] = {}
    for s in series:
        labels = (
            ("method", s.method),
            ("route", s.route),
            ("status_code", str(s.status)),
            ("tenant_id", s.tenant),
        )
        lines.append(f"http_requests_total{_labels(labels)} {s.count}")
        found = histograms.setdefault((s.method, s.route, s.tenant), _Histogram())
        found.count += s.count
        found.sum_ms += s.sum_ms
        found.buckets = [a + b for a, b in zip(found.buckets, s.buckets, strict=True)]

    lines += [
        "# HELP http_request_duration_seconds HTTP request duration by method, route and tenant (UTC day).",
        "# TYPE http_request_duration_seconds histogram",
    ]
    for (method, route, tenant), h in histograms.items():
        base = (("method", method), ("route", route), ("tenant_id", tenant))
        cumulative = 0
        for upper, n in zip(BUCKETS, h.buckets, strict=True):
            cumulative += n
            le = _labels((*base, ("le", _number(upper))))
            lines.append(f"http_request_duration_seconds_bucket{le} {cumulative}")
        lines.append(f"http_request_duration_seconds_bucket{_labels((*base, ('le', '+Inf')))} {h.count}")
        lines.append(f"http_request_duration_seconds_sum{_labels(base)} {_number(round(h.sum_ms / 1000, 6))}")
        lines.append(f"http_request_duration_seconds_count{_labels(base)} {h.count}")

    lines += [
        "# HELP stratus_events_total Platform events counted per tenant and kind (UTC day).",
        "# TYPE stratus_events_total counter",
    ]
    for tenant in sorted(events):
        for kind in EVENT_KINDS:
            if kind in events[tenant]:
                pairs = (("tenant_id", tenant), ("kind", kind))
                lines.append(f"stratus_events_total{_labels(pairs)} {events[tenant][kind]}")
    return "\n".join(lines) + "\n"
