"""The health app, measured (docs/health.md, docs/benchmarks.md):

    python -m stratus.bench.health [--quick] [--batches 10]

Reading ingest through `stratus dev` (a LocalPlatform on free ports): `POST /api/v1/apps/health/readings/
batch` with 500 readings, sequentially, one member — each reading validated, sealed with a KMS data key of
its own (the emulator's KMS: one GenerateDataKey per reading, 8 at a time) and written by BatchWriteItem
(20 calls of 25). Figures: readings per second and the p50/p99 of one batch's request.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

BATCH = 500
BASE = "/api/v1/apps/health"
PASSWORD = "Bench-password-42!"  # noqa: S105 - a throwaway tenant of a throwaway emulator


@dataclass(frozen=True)
class HealthReport:
    batches: int
    batch_size: int
    readings_per_second: float
    batch_p50_ms: float
    batch_p99_ms: float


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def _call(url: str, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    raw = None if body is None else json.dumps(body).encode()
    sent = urllib.request.Request(f"{url}{path}", data=raw, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(sent, timeout=120) as answer:  # noqa: S310 - loopback
            return json.loads(answer.read() or b"null")["data"]
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{method} {path}: {exc.code} {exc.read()[:300]!r}") from exc


def _member(url: str, tenant: str) -> str:
    """A tenant with the health app enabled; → a member's access token."""
    root_login = {
        "email": os.environ["STRATUS_ADMIN_EMAIL"],
        "password": os.environ["STRATUS_ADMIN_PASSWORD"],
        "tenantId": "platform",
    }
    root = _call(url, "POST", "/api/v1/auth/login", root_login)["accessToken"]
    admin_email = f"admin@{tenant}.example"
    body = {"tenantId": tenant, "name": "Bench", "plan": "standard", "adminEmail": admin_email}
    _call(url, "POST", "/api/v1/tenants", {**body, "adminPassword": PASSWORD}, root)
    login = {"email": admin_email, "password": PASSWORD, "tenantId": tenant}
    admin = _call(url, "POST", "/api/v1/auth/login", login)["accessToken"]
    _call(url, "PUT", f"/api/v1/tenants/{tenant}/services/health", {"enabled": True}, admin)
    member = {"email": f"member@{tenant}.example", "password": PASSWORD, "tenantId": tenant}
    _call(url, "POST", "/api/v1/auth/register", member)
    return str(_call(url, "POST", "/api/v1/auth/login", member)["accessToken"])


def _batch(offset: int) -> dict[str, Any]:
    now = datetime.now(UTC)
    readings = [
        {
            "type": "heart_rate",
            "value": 60 + (offset + i) % 40,  # in range: ingest, not alerting, is measured
            "unit": "bpm",
            "measuredAt": (now - timedelta(seconds=offset + i + 1)).isoformat().replace("+00:00", "Z"),
        }
        for i in range(BATCH)
    ]
    return {"readings": readings}


def measure(*, batches: int) -> HealthReport:
    from functions.catalog import registry
    from functions.gateway import rate_limits
    from stratus.local import LocalPlatform

    before = dict(os.environ)
    os.environ.setdefault("STRATUS_ADMIN_EMAIL", "bench-root@stratus.example")
    os.environ.setdefault("STRATUS_ADMIN_PASSWORD", "Bench-root-password-42!")
    os.environ["STRATUS_RATE_LIMITS"] = json.dumps(
        {"auth": [100000, 900], "tenant": [100000, 900], "apps": [100000, 60]}
    )
    rate_limits.limits.cache_clear()
    platform = LocalPlatform(registry(), port=0, emulator_port=0, log=lambda _line: None)
    platform.start()
    try:
        token = _member(platform.url, "bench-health")
        _call(platform.url, "POST", f"{BASE}/readings/batch", _batch(10**6), token)  # warm the functions
        timings = []
        for n in range(batches):
            body = _batch(n * BATCH)
            began = time.perf_counter()
            written = _call(platform.url, "POST", f"{BASE}/readings/batch", body, token)
            timings.append((time.perf_counter() - began) * 1000)
            if written["count"] != BATCH:
                raise RuntimeError(f"a bench batch wrote {written['count']} readings")
        return HealthReport(
            batches=batches,
            batch_size=BATCH,
            readings_per_second=round(batches * BATCH / (sum(timings) / 1000), 1),
            batch_p50_ms=_percentile(timings, 0.5),
            batch_p99_ms=_percentile(timings, 0.99),
        )
    finally:
        platform.stop()
        os.environ.clear()
        os.environ.update(before)
        rate_limits.limits.cache_clear()


def render(report: HealthReport | None) -> list[str]:
    if report is None:
        return []
    r = report
    return [
        "",
        "## Health app (docs/health.md)",
        "",
        "| figure | value |",
        "|---|---|",
        f"| reading ingest, `POST /readings/batch` of {r.batch_size} through `stratus dev` "
        f"({r.batches} batches) | **{r.readings_per_second} readings/s**; "
        f"a batch p50 {r.batch_p50_ms} ms, p99 {r.batch_p99_ms} ms |",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m stratus.bench.health")
    parser.add_argument("--quick", action="store_true", help="3 batches")
    parser.add_argument("--batches", type=int, default=10, help="batches of 500 (default 10)")
    args = parser.parse_args()
    print("\n".join(render(measure(batches=3 if args.quick else args.batches))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
