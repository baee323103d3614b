"""The GraphQL read API, measured (issue 20, docs/graphql.md):

- **cold start** of the GraphQL function (`graphql-query`: graphql-core, the schema file, five typed
  clients) beside the boto3 baseline, in fresh interpreters as `stratus.bench.coldstart` measures every
  function (the repository on this interpreter);
- **a nested list query**: a page of users with each one's roles and permissions, and the tenant's files
  with each owner, through the gateway and the authorizer: its p50/p99 and the backend functions it
  called per request — the same few whatever the page size (batched loaders, no N+1);
- **a nested app query**: a page of orders (the marketplace app) with every line's product — its p50/p99
  and the backend calls per request: one `orders` read and one batched `productsById` read of the app's
  GraphQL read function, whatever the number of orders and lines.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from stratus.bench import coldstart, instruments
from stratus.bench.latency import median, p
from stratus.bench.workload import PASSWORD, TENANT, Bench, BenchError, World

FUNCTION = "graphql-query"
PATH = "/api/v1/graphql"
QUERY = (
    "{ users(pageSize: 50) { total items { email roles permissions } } "
    "files(pageSize: 50) { items { fileName owner { email roles } } } }"
)
APP_QUERY = (
    "{ orders(pageSize: 20) { items { orderId items { quantity product { name pricing { amount } } } } } }"
)
SHOP = "/api/v1/apps/marketplace"
APP_ORDERS, APP_LINES, APP_PRODUCTS = 20, 3, 10


@dataclass(frozen=True)
class GraphQLReport:
    cold_runs: int
    baseline_ms: float
    cold_ms: float
    cold_ratio: float
    users: int  # users on the page the query lists
    samples: int
    query_ms_p50: float
    query_ms_p99: float
    backend_calls: dict[str, float]  # callee function → calls per request (mean)
    dynamodb_calls: float  # per request (mean), every function of the request's tree
    app_lines: int = 0  # order lines on the page of the app query
    app_ms_p50: float = 0.0
    app_ms_p99: float = 0.0
    app_backend_calls: dict[str, float] | None = None


def measure(
    bench: Bench,
    world: World,
    *,
    samples: int,
    cold_runs: int,
    extra_users: int,
    progress: Callable[[str], None],
) -> GraphQLReport:
    progress("graphql: cold start")
    cold = coldstart.measure(bench.registry, runs=cold_runs, names=[FUNCTION])
    [fn] = cold.functions
    progress(f"graphql: {extra_users} more members, then {samples} nested list queries")
    for i in range(extra_users):
        body = {"email": f"gql{i}@{TENANT}.example", "password": PASSWORD, "tenantId": TENANT}
        bench.data(bench.call("POST", "/api/v1/auth/register", body))
    durations: list[float] = []
    calls: Counter[str] = Counter()
    dynamodb = 0
    users = 0
    for _ in range(samples):
        with instruments.recording() as seen:
            began = time.perf_counter()
            reply = bench.call("POST", PATH, {"query": QUERY}, token=world.admin)
            durations.append((time.perf_counter() - began) * 1000)
        answer = json.loads(reply.body)  # GraphQL's own body: `bench.data` would unwrap its `data`
        if reply.status != 200 or answer.get("errors"):
            raise BenchError(f"the GraphQL query failed: {answer['errors']}")
        users = len(answer["data"]["users"]["items"])
        calls.update(f.function for f in seen.frames if _under_graphql(f))
        dynamodb += sum(n for name, n in seen.calls.items() if name.startswith("dynamodb:"))
    app = _app_query(bench, world, samples=samples, progress=progress)
    return GraphQLReport(
        cold_runs=cold_runs,
        baseline_ms=cold.baseline_ms,
        cold_ms=fn.median_ms,
        cold_ratio=fn.ratio,
        users=users,
        samples=samples,
        query_ms_p50=median(durations),
        query_ms_p99=p(durations, 0.99),
        backend_calls={name: n / samples for name, n in sorted(calls.items())},
        dynamodb_calls=dynamodb / samples,
        app_lines=app[0],
        app_ms_p50=median(app[1]),
        app_ms_p99=p(app[1], 0.99),
        app_backend_calls=app[2],
    )


def _app_query(
    bench: Bench, world: World, *, samples: int, progress: Callable[[str], None]
) -> tuple[int, list[float], dict[str, float]]:
    """The admin's page of orders with each line's product. → (lines, durations ms, calls per request)."""
    progress(f"graphql: {APP_ORDERS} marketplace orders of {APP_LINES} lines, then {samples} app queries")
    bench.data(
        bench.call(
            "PUT", f"/api/v1/tenants/{TENANT}/services/marketplace", {"enabled": True}, token=world.admin
        )
    )
    products = []
    for i in range(APP_PRODUCTS):
        body = {"name": f"Bench {i}", "category": "bench", "pricing": {"amount": 100 + i, "currency": "EUR"}}
        product_id = bench.data(bench.call("POST", f"{SHOP}/products", body, token=world.admin))["productId"]
        bench.data(
            bench.call(
                "PUT", f"{SHOP}/products/{product_id}/inventory", {"available": 10_000}, token=world.admin
            )
        )
        products.append(product_id)
    for i in range(APP_ORDERS):
        lines = [{"productId": products[(i + j) % APP_PRODUCTS], "quantity": 1} for j in range(APP_LINES)]
        order = {"items": lines, "payment": {"token": "tok_visa"}}
        bench.data(bench.call("POST", f"{SHOP}/orders", order, token=world.admin))
    durations: list[float] = []
    calls: Counter[str] = Counter()
    lines_seen = 0
    for _ in range(samples):
        with instruments.recording() as seen:
            began = time.perf_counter()
            reply = bench.call("POST", PATH, {"query": APP_QUERY}, token=world.admin)
            durations.append((time.perf_counter() - began) * 1000)
        answer = json.loads(reply.body)
        if reply.status != 200 or answer.get("errors"):
            raise BenchError(f"the GraphQL app query failed: {answer.get('errors')}")
        lines_seen = sum(len(o["items"]) for o in answer["data"]["orders"]["items"])
        calls.update(f.function for f in seen.frames if _under_graphql(f))
    return lines_seen, durations, {name: n / samples for name, n in sorted(calls.items())}


def _under_graphql(frame: instruments.Frame) -> bool:
    """A function the GraphQL function called (directly or through a callee): not the authorizer's."""
    parent = frame.parent
    while parent is not None:
        if parent.function == FUNCTION:
            return True
        parent = parent.parent
    return False


def render(r: GraphQLReport | None) -> list[str]:
    if r is None:
        return []
    called = ", ".join(f"{name} {n:g}" for name, n in r.backend_calls.items()) or "none"
    return [
        "## GraphQL read API",
        "",
        f"Cold start of `{FUNCTION}` (import + init + its first AWS client, median of {r.cold_runs} fresh "
        f"interpreters, the repository): **{r.cold_ms:.0f} ms**, {r.cold_ratio:.2f} times the boto3 baseline "
        f"({r.baseline_ms:.0f} ms).",
        "",
        f"A nested list query through the gateway ({r.samples} requests): `{QUERY}` — {r.users} users on "
        f"the page: p50 **{r.query_ms_p50:.1f} ms**, p99 {r.query_ms_p99:.1f} ms; backend calls per request: "
        f"{called} (one per kind, whatever the page size); {r.dynamodb_calls:g} DynamoDB calls per request.",
        "",
        *_render_app(r),
    ]


def _render_app(r: GraphQLReport) -> list[str]:
    if r.app_backend_calls is None:
        return []
    called = ", ".join(f"{name} {n:g}" for name, n in r.app_backend_calls.items()) or "none"
    return [
        f"A nested app query ({r.samples} requests): `{APP_QUERY}` — {r.app_lines} order lines over "
        f"{APP_PRODUCTS} products: p50 **{r.app_ms_p50:.1f} ms**, p99 {r.app_ms_p99:.1f} ms; backend "
        f"calls per request: {called} (the app's read function twice: the orders, then every line's "
        "product in one batch).",
        "",
    ]
