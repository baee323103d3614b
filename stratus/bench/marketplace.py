"""The marketplace app, measured (docs/benchmarks.md, docs/marketplace.md):

    python -m stratus.bench.marketplace [--quick] [--products 100000]

1. The order saga end to end, through `stratus dev` (a LocalPlatform on free ports): `POST /orders` until
   `GET /orders/{id}` says `paid` — moto's Step Functions interpreter running the state machine, its Task
   Lambdas answered in-process — p50/p99 over sequential orders.
2. The stock race: 100 orders at once (16 clients) for a stock of 10 → how many paid, the stock left, and
   how long until every order settled.
3. Search on one tenant's index of N products (100,000 by default): the index built and published with
   the app's own code (`search_storage.write`: tantivy, the archive to S3, the pointer) in in-process moto —
   the build time — then warm queries in-process (`search.search`, the function's own code on a warm
   container, no HTTP): full text + a filter + facets, and autocomplete, p50/p99.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from stratus import seed

RACE_ORDERS, RACE_STOCK, RACE_CLIENTS = 100, 10, 16
QUERIES = ("drone", "thermal camera", "falcon pro", "long range mapping", "gps return kit", "cinema")


@dataclass(frozen=True)
class MarketplaceReport:
    saga_orders: int
    saga_p50_ms: float
    saga_p99_ms: float
    race_paid: int
    race_cancelled: int
    race_stock_left: int
    race_reserved_left: int
    race_seconds: float
    search_products: int
    index_build_seconds: float
    index_publish_seconds: float  # pack + upload + pointer, within the build
    search_p50_ms: float
    search_p99_ms: float
    autocomplete_p50_ms: float
    autocomplete_p99_ms: float


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


# --- 1 and 2: the saga through the local platform ---------------------------------------------------------
class _Client:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        raw = None if body is None else json.dumps(body).encode()
        sent = urllib.request.Request(f"{self.url}{path}", data=raw, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(sent, timeout=60) as answer:  # noqa: S310 - loopback
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def data(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        status, answer = self.call(method, path, body, token)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {answer}")
        return answer["data"] if answer else None


BASE = "/api/v1/apps/marketplace"


def _storefront(client: _Client, tenant: str) -> tuple[str, str]:
    """A tenant with the marketplace enabled; → (its admin's token, a buyer's token)."""
    password = "Bench-password-42!"  # noqa: S105 - a throwaway tenant of a throwaway emulator
    root = client.data(
        "POST",
        "/api/v1/auth/login",
        {
            "email": os.environ["STRATUS_ADMIN_EMAIL"],
            "password": os.environ["STRATUS_ADMIN_PASSWORD"],
            "tenantId": "platform",
        },
    )["accessToken"]
    body = {"tenantId": tenant, "name": "Bench", "plan": "standard", "adminEmail": f"admin@{tenant}.example"}
    client.data("POST", "/api/v1/tenants", {**body, "adminPassword": password}, root)
    login = {"email": f"admin@{tenant}.example", "password": password, "tenantId": tenant}
    admin = client.data("POST", "/api/v1/auth/login", login)["accessToken"]
    client.data("PUT", f"/api/v1/tenants/{tenant}/services/marketplace", {"enabled": True}, admin)
    client.data(
        "POST",
        "/api/v1/auth/register",
        {"email": f"buyer@{tenant}.example", "password": password, "tenantId": tenant},
    )
    buyer = client.data("POST", "/api/v1/auth/login", {**login, "email": f"buyer@{tenant}.example"})[
        "accessToken"
    ]
    return admin, buyer


def _product(client: _Client, admin: str, stock: int) -> str:
    body, _ = seed.products(1)[0]
    product_id = str(client.data("POST", f"{BASE}/products", body, admin)["productId"])
    client.data("PUT", f"{BASE}/products/{product_id}/inventory", {"available": stock}, admin)
    return product_id


def _order(client: _Client, buyer: str, product_id: str, poll: float = 0.005) -> tuple[str, float]:
    """→ (the order's final status, seconds from POST to it, polled every `poll` seconds)."""
    began = time.perf_counter()
    body = {"items": [{"productId": product_id, "quantity": 1}], "payment": {"token": "tok_visa"}}
    order_id = client.data("POST", f"{BASE}/orders", body, buyer)["orderId"]
    while True:
        status = client.data("GET", f"{BASE}/orders/{order_id}", token=buyer)["status"]
        if status != "pending":
            return status, time.perf_counter() - began
        time.sleep(poll)


def measure_saga(orders: int) -> tuple[list[float], dict[str, Any]]:
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
        client = _Client(platform.url)
        admin, buyer = _storefront(client, "bench-market")
        product_id = _product(client, admin, orders + 10)
        timings = []
        for _ in range(orders):
            status, seconds = _order(client, buyer, product_id)
            if status != "paid":
                raise RuntimeError(f"a bench order ended {status}")
            timings.append(seconds * 1000)
        contested = _product(client, admin, RACE_STOCK)
        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=RACE_CLIENTS) as pool:
            outcomes = list(
                pool.map(lambda _: _order(client, buyer, contested, poll=0.1)[0], range(RACE_ORDERS))
            )
        race_seconds = time.perf_counter() - began
        stock = client.data("GET", f"{BASE}/products/{contested}/inventory", token=admin)
        race = {
            "paid": outcomes.count("paid"),
            "cancelled": outcomes.count("cancelled"),
            "available": stock["available"],
            "reserved": stock["reserved"],
            "seconds": race_seconds,
        }
        return timings, race
    finally:
        platform.stop()
        os.environ.clear()
        os.environ.update(before)
        rate_limits.limits.cache_clear()


# --- 3: search on one tenant's index --------------------------------------------------------------------
def measure_search(products: int, queries: int) -> dict[str, Any]:
    from moto import mock_aws  # a dev dependency: the benchmark is a tool, never deployed

    from apps.marketplace import search, search_schema, search_storage
    from apps.marketplace.manifest import SERVICE
    from apps.marketplace.search_models import SearchRequest
    from stratus.provision import create_bucket, create_table

    before = dict(os.environ)
    os.environ["STRATUS_SEARCH_CACHE"] = tempfile.mkdtemp(prefix="stratus-bench-search-")
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
    )
    # In-process moto, not the bench's emulator (stopped by now): no endpoint may send the clients away.
    for name in ("STRATUS_ENDPOINT_URL", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    try:
        with mock_aws():
            from shared import aws
            from shared.config import settings

            settings.cache_clear()
            aws.reset_clients()
            create_table(SERVICE.tables[0])
            create_bucket()
            search_storage.forget_cache()
            now = "2026-01-15T09:30:00.000Z"
            docs = []
            for n, (body, _) in enumerate(seed.products(products)):
                docs.append(
                    {
                        **body,
                        "productId": f"p_{n:032x}",
                        "images": [],
                        "status": "active",
                        "certification": {"status": "none"},
                        "createdAt": now,
                        "updatedAt": now,
                    }
                )
            began = time.perf_counter()

            def build(writer: Any) -> int:
                for doc in docs:
                    writer.add_document(search_schema.document(doc))
                return len(docs)

            pointer = search_storage.write("bench-search", build, rebuild=True)
            build_seconds = time.perf_counter() - began
            request = {
                "facets": ["category", "tags"],
                "filters": [{"field": "price", "operator": "lt", "value": 1_000_000}],
            }
            search.search(
                "bench-search", SearchRequest.model_validate({**request, "query": QUERIES[0]})
            )  # warm
            searched, completed = [], []
            for i in range(queries):
                asked = SearchRequest.model_validate({**request, "query": QUERIES[i % len(QUERIES)]})
                t0 = time.perf_counter()
                search.search("bench-search", asked)
                searched.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                search.autocomplete("bench-search", QUERIES[i % len(QUERIES)][:3])
                completed.append((time.perf_counter() - t0) * 1000)
            return {
                "products": pointer["documents"],
                "build": build_seconds,
                "publish": float(pointer.get("buildSeconds", 0.0)),
                "search": searched,
                "autocomplete": completed,
            }
    finally:
        os.environ.clear()
        os.environ.update(before)


def measure(*, quick: bool, products: int | None = None) -> MarketplaceReport:
    orders = 5 if quick else 50
    timings, race = measure_saga(orders)
    found = measure_search(products or (2_000 if quick else 100_000), queries=50 if quick else 500)
    return MarketplaceReport(
        saga_orders=orders,
        saga_p50_ms=_percentile(timings, 0.5),
        saga_p99_ms=_percentile(timings, 0.99),
        race_paid=race["paid"],
        race_cancelled=race["cancelled"],
        race_stock_left=race["available"],
        race_reserved_left=race["reserved"],
        race_seconds=round(race["seconds"], 2),
        search_products=found["products"],
        index_build_seconds=round(found["build"], 2),
        index_publish_seconds=round(found["publish"], 2),
        search_p50_ms=_percentile(found["search"], 0.5),
        search_p99_ms=_percentile(found["search"], 0.99),
        autocomplete_p50_ms=_percentile(found["autocomplete"], 0.5),
        autocomplete_p99_ms=_percentile(found["autocomplete"], 0.99),
    )


def render(report: MarketplaceReport | None) -> list[str]:
    if report is None:
        return []
    r = report
    race = (
        f"{r.race_paid} paid, {r.race_cancelled} cancelled, stock left {r.race_stock_left}, "
        f"reserved {r.race_reserved_left}, all settled in {r.race_seconds} s"
    )
    rows = [
        (
            f"order saga, POST → paid, through `stratus dev` ({r.saga_orders} orders)",
            _pp(r.saga_p50_ms, r.saga_p99_ms),
        ),
        (f"stock race: {RACE_ORDERS} orders at once for a stock of {RACE_STOCK}", race),
        (
            f"search index build, {r.search_products:,} products (tantivy, packed to S3)",
            f"{r.index_build_seconds} s",
        ),
        ("search: text + filter + 2 facets, warm, in-process", _pp(r.search_p50_ms, r.search_p99_ms)),
        ("autocomplete, warm, in-process", _pp(r.autocomplete_p50_ms, r.autocomplete_p99_ms)),
    ]
    head = ["## Marketplace app (docs/marketplace.md)", "", "| figure | value |", "|---|---|"]
    return [*head, *(f"| {name} | {value} |" for name, value in rows), ""]


def _pp(p50: float, p99: float) -> str:
    return f"p50 {p50} ms, p99 {p99} ms"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m stratus.bench.marketplace")
    parser.add_argument("--quick", action="store_true", help="a tiny run (2,000 products, 5 orders)")
    parser.add_argument("--products", type=int, help="products in the search index (default 100000)")
    args = parser.parse_args()
    report = measure(quick=args.quick, products=args.products)
    print("\n".join(render(report)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
