"""Apps on the platform, measured (issue 16, docs/apps.md), on the running local platform with its queue
pumps, with the sample external app (`stratus app serve-example`) on a loopback port:

- **API-key verification in the authorizer**: requests with `X-API-Key` to an in-repo app's route; per
  request, the DynamoDB calls the authorizer makes itself (the key's one GetItem, the rate-limit buckets'
  UpdateItems), those of the services it asks, and its time — beside the same figures for a bearer token;
- **proxy overhead**: the example app's `GET /hello` through the platform
  (`/api/v1/apps/example/hello`, over the gateway's HTTP socket) against the same request sent to the app
  directly, with the headers and app token the proxy would send;
- **webhook end-to-end latency**: an event published on the bus → the registry's subscriber → the signed
  POST verified by the example app (time of its arrival there).
"""

from __future__ import annotations

import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared import access_tokens
from shared import context as request_context
from shared.adapters.gateway import HttpRequest
from shared.context import RequestContext, UserContext
from shared.events import publisher
from stratus.bench import instruments
from stratus.bench.latency import median, p
from stratus.bench.workload import TENANT, Bench, BenchError, World
from stratus.example_app import ExampleApp

AUTHORIZER = "gateway-authorizer"
ROUTE = "/api/v1/apps/hello/greeting"
PROBE = "user.deleted"  # an event type the example app subscribes to (`user.*`)


@dataclass(frozen=True)
class Verification:
    """One kind of credential on the same route: figures per request (medians over the samples)."""

    credential: str
    samples: int
    authorizer_dynamodb_p50: float  # the authorizer's own DynamoDB calls
    tree_dynamodb_p50: float  # with the services it asked (tenants, rbac, cache …)
    operations: dict[str, float]  # the authorizer's own calls by operation, per request (mean)
    authorizer_ms_p50: float
    request_ms_p50: float


@dataclass(frozen=True)
class AppsReport:
    api_key: Verification
    bearer: Verification
    proxy_samples: int
    direct_ms_p50: float
    direct_ms_p99: float
    proxied_ms_p50: float
    proxied_ms_p99: float
    webhook_samples: int
    webhook_ms_p50: float
    webhook_ms_p99: float
    webhooks_lost: int


class _Arrivals(list[dict[str, Any]]):
    """The example app's `received` list, noting when each webhook arrived (event id → monotonic time)."""

    def __init__(self) -> None:
        super().__init__()
        self.at: dict[str, float] = {}
        self.changed = threading.Condition()

    def append(self, item: dict[str, Any]) -> None:
        with self.changed:
            self.at.setdefault(str(item["event"]["id"]), time.monotonic())
            super().append(item)
            self.changed.notify_all()

    def wait_for(self, event_id: str, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while event_id not in self.at:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.changed.wait(left)
            return self.at[event_id]


def measure(bench: Bench, world: World, *, samples: int, progress: Callable[[str], None]) -> AppsReport:
    example = ExampleApp(bench.platform.url, admin_token=world.root, heartbeat_every=5.0, log=lambda _l: None)
    arrivals = _Arrivals()
    example.received = arrivals
    example.start()
    try:
        for name in ("hello", "example"):
            bench.data(
                bench.call(
                    "PUT", f"/api/v1/tenants/{TENANT}/services/{name}", {"enabled": True}, token=world.admin
                )
            )
        key = bench.data(
            bench.call(
                "POST", "/api/v1/api-keys", {"name": "bench", "scopes": ["user.read"]}, token=world.admin
            )
        )["key"]
        api_key = _verification(bench, "X-API-Key", {"x-api-key": key}, samples)
        bearer = _verification(bench, "Bearer token", {"authorization": f"Bearer {world.admin}"}, samples)
        progress(f"apps: {samples} requests with an API key and with a bearer token")
        direct, proxied = _proxy(bench, world, example, samples)
        progress(f"apps: {samples} example-app calls, direct and through the platform")
        webhooks, lost = _webhooks(arrivals, samples)
        progress(f"apps: {samples} webhooks end to end ({lost} not delivered within 30 s)")
    finally:
        example.stop()
    return AppsReport(
        api_key=api_key,
        bearer=bearer,
        proxy_samples=samples,
        direct_ms_p50=median(direct),
        direct_ms_p99=p(direct, 0.99),
        proxied_ms_p50=median(proxied),
        proxied_ms_p99=p(proxied, 0.99),
        webhook_samples=samples,
        webhook_ms_p50=median(webhooks),
        webhook_ms_p99=p(webhooks, 0.99),
        webhooks_lost=lost,
    )


# --- API-key verification ---------------------------------------------------------------------------------
@dataclass
class _Sample:
    own: Counter[str] = field(default_factory=Counter)
    tree: int = 0
    authorizer_ms: float = 0.0


def _verification(bench: Bench, label: str, headers: dict[str, str], samples: int) -> Verification:
    assert bench.gateway is not None
    bench.gateway.handle(HttpRequest("GET", ROUTE, dict(headers)))  # warm: caches, imports, the app's gate
    found: list[_Sample] = []
    request_ms: list[float] = []
    for _ in range(samples):
        with instruments.recording() as seen:
            began = time.perf_counter()
            reply = bench.gateway.handle(HttpRequest("GET", ROUTE, dict(headers)))
            request_ms.append((time.perf_counter() - began) * 1000)
        if reply.status != 200:
            raise BenchError(f"{label} on {ROUTE}: {reply.status} {reply.body[:300]!r}")
        found.extend(_authorizer_samples(seen.frames))
    if not found:
        raise BenchError("the authorizer was not observed: are the instruments installed?")
    operations: Counter[str] = Counter()
    for sample in found:
        operations.update(sample.own)
    return Verification(
        credential=label,
        samples=len(found),
        authorizer_dynamodb_p50=median([float(sum(s.own.values())) for s in found]),
        tree_dynamodb_p50=median([float(s.tree) for s in found]),
        operations={name: n / len(found) for name, n in sorted(operations.items())},
        authorizer_ms_p50=median([s.authorizer_ms for s in found]),
        request_ms_p50=median(request_ms),
    )


def _authorizer_samples(frames: list[instruments.Frame]) -> list[_Sample]:
    out = []
    for frame in frames:
        if frame.function != AUTHORIZER:
            continue
        own = Counter({k.split(":", 1)[1]: n for k, n in frame.calls.items() if k.startswith("dynamodb:")})
        tree = sum(own.values()) + sum(
            n
            for other in frames
            if other is not frame and _descends(other, frame)
            for k, n in other.calls.items()
            if k.startswith("dynamodb:")
        )
        out.append(_Sample(own, tree, frame.total_ms))
    return out


def _descends(frame: instruments.Frame, ancestor: instruments.Frame) -> bool:
    parent = frame.parent
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parent
    return False


# --- proxy overhead ---------------------------------------------------------------------------------------
def _proxy(bench: Bench, world: World, example: ExampleApp, samples: int) -> tuple[list[float], list[float]]:
    through = f"{bench.platform.url}/api/v1/apps/{example.name}/hello"
    direct_url = f"{example.url}/hello"
    me = bench.data(bench.call("GET", "/api/v1/users/me", token=world.admin))
    caller = UserContext(user_id=me["userId"], tenant_id=TENANT, roles=("tenant_admin",), permissions=("*",))
    _get(through, {"Authorization": f"Bearer {world.admin}"})  # warm both paths
    direct, proxied = [], []
    for _ in range(samples):
        began = time.perf_counter()
        _get(through, {"Authorization": f"Bearer {world.admin}"})
        proxied.append((time.perf_counter() - began) * 1000)
        # What the proxy sends, built as it builds it (the token signed per request, as the proxy does).
        sent = {
            "X-Request-ID": f"req_bench_{uuid.uuid4().hex[:8]}",
            "X-Tenant-ID": TENANT,
            "X-User-Context": caller.to_header(),
            "Authorization": "Bearer "
            + access_tokens.issue_app(example.name, caller.user_id, TENANT, caller.permissions),
        }
        began = time.perf_counter()
        _get(direct_url, sent)
        direct.append((time.perf_counter() - began) * 1000)
    return direct, proxied


def _get(url: str, headers: dict[str, str]) -> None:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        if answer.status != 200:
            raise BenchError(f"GET {url}: {answer.status}")
        answer.read()


# --- webhooks ---------------------------------------------------------------------------------------------
def _webhooks(arrivals: _Arrivals, samples: int) -> tuple[list[float], int]:
    latencies, lost = [], 0
    for _ in range(samples):
        began = time.monotonic()
        event = _publish()
        arrived = arrivals.wait_for(event.id, timeout=30)
        if arrived is None:
            lost += 1
        else:
            latencies.append((arrived - began) * 1000)
    return latencies, lost


def _publish() -> Any:
    ctx = RequestContext(
        request_id=f"req_bench_{uuid.uuid4().hex[:8]}", correlation_id="bench", service="users"
    )
    with request_context.bound(ctx):
        return publisher.publish(
            PROBE,
            {"userId": f"u_bench_{uuid.uuid4().hex[:10]}", "email": "gone@apps.example"},
            tenant_id=TENANT,
        )


# --- report -----------------------------------------------------------------------------------------------
def render(r: AppsReport | None) -> list[str]:
    if r is None:
        return []
    lines = ["## Apps: API keys, the proxy, webhooks", ""]
    lines.append(f"`GET {ROUTE}` (an in-repo app) per request, medians over {r.api_key.samples} requests:")
    lines.append("")
    lines.append(
        "| credential | authorizer's DynamoDB calls | with the services it asks | by operation "
        "| authorizer | request |"
    )
    lines.append("|---|---|---|---|---|---|")
    for v in (r.api_key, r.bearer):
        ops = ", ".join(f"{name} {n:g}" for name, n in v.operations.items()) or "none"
        lines.append(
            f"| {v.credential} | {v.authorizer_dynamodb_p50:g} | {v.tree_dynamodb_p50:g} | {ops} | "
            f"{v.authorizer_ms_p50:.1f} ms | {v.request_ms_p50:.1f} ms |"
        )
    lines.append("")
    direct = f"p50 {r.direct_ms_p50:.1f} ms / p99 {r.direct_ms_p99:.1f} ms"
    proxied = f"p50 {r.proxied_ms_p50:.1f} ms / p99 {r.proxied_ms_p99:.1f} ms"
    overhead = f"{r.proxied_ms_p50 - r.direct_ms_p50:.1f} ms"
    lines.append(
        f"Proxy overhead ({r.proxy_samples} calls of the example app's `GET /hello`, loopback HTTP): direct "
        f"{direct}; through `/api/v1/apps/example/hello` {proxied} — **{overhead}** at p50 (the authorizer, "
        "the registry's lookups, the app token, one more HTTP hop)."
    )
    lines.append("")
    webhook = f"p50 {r.webhook_ms_p50:.0f} ms, p99 {r.webhook_ms_p99:.0f} ms"
    lines.append(
        f"Webhook end to end ({r.webhook_samples} `{PROBE}` events, published → verified by the app): "
        f"**{webhook}**; {r.webhooks_lost} not delivered within 30 s (bus → rule → the registry's queue → "
        "its pump → the signed POST)."
    )
    lines.append("")
    return lines
