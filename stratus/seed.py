"""`stratus seed marketplace --tenant T --products 1000`: a demo storefront through the running platform's
public API, like any client (docs/marketplace.md).

Without `--as`, it acts as the platform admin of the running `stratus dev`: creates the tenant if it does
not exist (its admin `admin@<tenant>.example` with a generated password, printed once), then works as that
admin. With `--as EMAIL@TENANT` it works as that user (a tenant admin, or a holder of `product.write`).
It enables the marketplace for the tenant, then adds the products with stock (8 at a time). The products
are the same for the same `--seed`: names, categories, tags, prices and stock are drawn from it.
"""

from __future__ import annotations

import argparse
import random
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from stratus.config_cli import Session, gateway_url, login, request

CATEGORIES = ("drones", "cameras", "batteries", "propellers", "controllers", "frames", "gimbals", "kits")
MAKERS = ("Falcon", "Hawk", "Kestrel", "Osprey", "Swift", "Condor", "Merlin", "Harrier", "Raven", "Heron")
MODELS = ("X4", "Pro", "Lite", "Max", "Air", "Mini", "RTK", "Cine", "Race", "Survey")
FEATURES = ("4K camera", "thermal imaging", "GPS return", "obstacle avoidance", "long range", "foldable arms")
TAGS = ("fpv", "mapping", "thermal", "cinema", "racing", "survey", "beginner", "industrial")
WORKERS = 8


def products(count: int, seed: int = 7) -> list[tuple[dict[str, Any], int]]:
    """(product body, stock) for `count` demo products, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    out = []
    for n in range(count):
        category = rng.choice(CATEGORIES)
        features = rng.sample(FEATURES, 2)
        body = {
            "name": f"{rng.choice(MAKERS)} {rng.choice(MODELS)} {category[:-1]} {n + 1}",
            "description": f"A {category[:-1]} with {features[0]} and {features[1]}.",
            "category": category,
            "pricing": {"amount": rng.randrange(990, 2_500_000, 10), "currency": "USD"},
            "specifications": {"weightGrams": rng.randrange(50, 9000), "flightMinutes": rng.randrange(5, 55)},
            "tags": rng.sample(TAGS, rng.randrange(1, 4)),
        }
        out.append((body, rng.randrange(0, 200)))
    return out


def register(sub: Any) -> None:
    seed = sub.add_parser("seed", help="demo data: `stratus seed marketplace --tenant T --products 1000`")
    what = seed.add_subparsers(required=True, metavar="WHAT")
    market = what.add_parser("marketplace", help="a storefront with products and stock, through the API")
    market.add_argument("--tenant", required=True, help="the tenant (created if missing, as platform admin)")
    market.add_argument("--products", type=int, default=1000, help="how many products (default 1000)")
    market.add_argument("--seed", type=int, default=7, help="the random seed (same seed, same products)")
    market.add_argument("--gateway", help="the gateway URL (default: the running `stratus dev`'s)")
    market.add_argument(
        "--as", dest="as_user", metavar="EMAIL@TENANT", help="act as this user of the tenant instead"
    )
    market.set_defaults(run=run)


def _ok(status: int, body: Any, what: str) -> Any:
    if status >= 400:
        error = (body or {}).get("error", {}) if isinstance(body, dict) else {}
        raise RuntimeError(f"{what}: {status} {error.get('code', '')} {error.get('message', body)}")
    return (body or {}).get("data")


def _tenant_admin(gateway: str, tenant: str) -> Session:
    """As the platform admin: the tenant (created if missing) and a session of its admin."""
    root = login(gateway, None)
    status, _ = request(gateway, "GET", f"/api/v1/tenants/{tenant}", token=root.token)
    email = f"admin@{tenant}.example"
    if status != 404:
        raise RuntimeError(f"{tenant} exists: give --as EMAIL@{tenant} (a tenant admin) to seed it")
    password = secrets.token_urlsafe(18) + "-9a"
    created = {"tenantId": tenant, "name": tenant.title(), "plan": "standard"}
    body = {**created, "adminEmail": email, "adminPassword": password}
    _ok(*request(gateway, "POST", "/api/v1/tenants", body, token=root.token), what="create the tenant")
    print(f"tenant {tenant} created; its admin: {email} / {password}")
    status, body = request(
        gateway, "POST", "/api/v1/auth/login", {"email": email, "password": password, "tenantId": tenant}
    )
    return Session(gateway, str(_ok(status, body, "log in as the tenant's admin")["accessToken"]), email)


def run(args: argparse.Namespace) -> int:
    gateway = gateway_url(args.gateway)
    session = login(gateway, args.as_user) if args.as_user else _tenant_admin(gateway, args.tenant)
    enabled = {"enabled": True}
    path = f"/api/v1/tenants/{args.tenant}/services/marketplace"
    _ok(*request(gateway, "PUT", path, enabled, token=session.token), what="enable the marketplace")
    began = time.monotonic()

    def add(item: tuple[dict[str, Any], int]) -> None:
        body, stock = item
        base = "/api/v1/apps/marketplace/products"
        product = _ok(*request(gateway, "POST", base, body, token=session.token), what="add a product")
        inventory = f"{base}/{product['productId']}/inventory"
        _ok(*request(gateway, "PUT", inventory, {"available": stock}, token=session.token), what="stock")

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(add, products(args.products, args.seed)))
    took = time.monotonic() - began
    print(f"{args.products} products with stock in {args.tenant}'s storefront in {took:.1f} s")
    print(f"browse: GET {gateway}/api/v1/apps/marketplace/products  (X-Tenant-ID: {args.tenant})")
    return 0
