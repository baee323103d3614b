"""The marketplace app end to end through `stratus dev`: a tenant enables it, its admin stocks a product,
an anonymous visitor browses the storefront (X-Tenant-ID), a member orders — the saga really runs on the
emulator's Step Functions (moto's interpreter; task Lambdas answered in-process) — and the order is paid,
declined or timed out with the stock put back; a retried create with the same Idempotency-Key is one order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stratus.local import LocalPlatform
from tests.e2e.conftest import Reply
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api
from tests.e2e.platform import eventually, tenant_with_admin, whole_platform

pytestmark = pytest.mark.e2e
TENANT, OTHER = "shop-acme", "shop-globex"
BASE = "/api/v1/apps/marketplace"


@pytest.fixture(scope="module")
def local() -> Iterator[LocalPlatform]:
    with whole_platform(STRATUS_PAYMENT_TIMEOUT="1") as platform:
        yield platform


@pytest.fixture(scope="module")
def api(local: LocalPlatform) -> Api:
    return Api(local.url)


@pytest.fixture(scope="module")
def root(api: Api) -> str:
    return str(api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])


@pytest.fixture(scope="module")
def admin(api: Api, root: str) -> str:
    token = tenant_with_admin(api, root, TENANT)
    enabled = api.call(
        "PUT", f"/api/v1/tenants/{TENANT}/services/marketplace", {"enabled": True}, token=token
    )
    assert enabled.status == 200, enabled.body
    return token


@pytest.fixture(scope="module")
def buyer(api: Api, admin: str) -> str:
    assert api.register(f"buyer@{TENANT}.example", TENANT).status == 201
    return str(api.login(f"buyer@{TENANT}.example", PASSWORD, TENANT)["accessToken"])


def ok(reply: Reply, status: int = 200) -> Any:
    assert reply.status == status, reply.body
    return reply.body["data"] if reply.body else None


def stocked(api: Api, admin: str, stock: int, amount: int = 2500) -> str:
    product = ok(
        api.call(
            "POST",
            f"{BASE}/products",
            {"name": "Falcon X4", "category": "drones", "pricing": {"amount": amount, "currency": "EUR"}},
            token=admin,
        ),
        201,
    )
    ok(
        api.call(
            "PUT", f"{BASE}/products/{product['productId']}/inventory", {"available": stock}, token=admin
        )
    )
    return str(product["productId"])


def order(api: Api, token: str, product_id: str, quantity: int, card: str, **headers: str) -> Any:
    body = {"items": [{"productId": product_id, "quantity": quantity}], "payment": {"token": card}}
    return ok(api.call("POST", f"{BASE}/orders", body, token=token, **headers), 201)


def finished(api: Api, token: str, order_id: str) -> Any:
    def probe() -> Any:
        found = ok(api.call("GET", f"{BASE}/orders/{order_id}", token=token))
        return found if found["status"] != "pending" else None

    return eventually(probe, timeout=30, what=f"order {order_id} to finish")


def test_the_storefront_is_public_for_its_tenant_and_refused_before_enablement(
    api: Api, root: str, admin: str
) -> None:
    product_id = stocked(api, admin, 3)
    seen = ok(api.call("GET", f"{BASE}/products/{product_id}", X_Tenant_ID=TENANT))
    assert seen["name"] == "Falcon X4"
    listed = ok(api.call("GET", f"{BASE}/products?category=drones", X_Tenant_ID=TENANT))
    assert product_id in [p["productId"] for p in listed]
    other = tenant_with_admin(api, root, OTHER)
    refused = api.call("GET", f"{BASE}/products", token=other)
    assert (refused.status, refused.body["error"]["code"]) == (403, "FORBIDDEN")
    assert api.call("GET", f"{BASE}/products/{product_id}", X_Tenant_ID=OTHER).status == 403


def test_an_order_is_paid_through_the_saga_and_shows_each_step(api: Api, admin: str, buyer: str) -> None:
    product_id = stocked(api, admin, 5)
    placed = order(api, buyer, product_id, 2, "tok_visa")
    assert placed["status"] == "pending"
    done = finished(api, buyer, placed["orderId"])
    assert done["status"] == "paid"
    assert [s["name"] for s in done["steps"]] == ["reserve", "charge", "confirm"]
    assert done["total"] == {"amount": 5000, "currency": "EUR"}
    stock = ok(api.call("GET", f"{BASE}/products/{product_id}/inventory", token=admin))
    assert (stock["available"], stock["reserved"]) == (3, 0)
    refunded = ok(api.call("POST", f"{BASE}/orders/{placed['orderId']}/cancel", token=buyer))
    assert (refunded["status"], refunded["payment"]["status"]) == ("cancelled", "refunded")


@pytest.mark.parametrize(
    ("card", "reason"), [("tok_chargeDeclined", "declined"), ("tok_timeout", "timed out")]
)
def test_a_failed_payment_is_compensated(api: Api, admin: str, buyer: str, card: str, reason: str) -> None:
    product_id = stocked(api, admin, 2)
    done = finished(api, buyer, order(api, buyer, product_id, 2, card)["orderId"])
    assert done["status"] == "cancelled"
    assert reason in done["reason"]
    assert done["steps"][-1]["name"] == "compensate"
    stock = ok(api.call("GET", f"{BASE}/products/{product_id}/inventory", token=admin))
    assert (stock["available"], stock["reserved"]) == (2, 0)


def test_a_retried_create_with_the_same_idempotency_key_is_one_order(
    api: Api, admin: str, buyer: str
) -> None:
    product_id = stocked(api, admin, 4)
    first = order(api, buyer, product_id, 1, "tok_visa", Idempotency_Key="checkout-42")
    again = order(api, buyer, product_id, 1, "tok_visa", Idempotency_Key="checkout-42")
    assert first["orderId"] == again["orderId"]
    finished(api, buyer, first["orderId"])
    stock = ok(api.call("GET", f"{BASE}/products/{product_id}/inventory", token=admin))
    assert stock["available"] == 3


def test_a_new_product_is_searchable_within_seconds(api: Api, admin: str) -> None:
    created = ok(
        api.call(
            "POST",
            f"{BASE}/products",
            {
                "name": "Kestrel thermal drone",
                "category": "drones",
                "description": "Thermal imaging for search and rescue",
                "pricing": {"amount": 990000, "currency": "EUR"},
                "tags": ["thermal"],
            },
            token=admin,
        ),
        201,
    )

    def probe() -> Any:
        found = ok(
            api.call(
                "POST", f"{BASE}/search", {"query": "kestrel thermal", "facets": ["tags"]}, X_Tenant_ID=TENANT
            )
        )
        return found if found["hits"] else None

    found = eventually(probe, timeout=10, what="the product in the search index")
    assert found["hits"][0]["productId"] == created["productId"]
    assert "<b>" in found["hits"][0]["highlights"]["name"]
    status = ok(api.call("GET", f"{BASE}/search/index/status", token=admin))
    assert status["status"] == "ready"
    assert status["documents"] >= 1


def test_a_creator_is_credited_for_a_paid_order(api: Api, admin: str) -> None:
    assert api.register(f"maker@{TENANT}.example", TENANT).status == 201
    maker = str(api.login(f"maker@{TENANT}.example", PASSWORD, TENANT)["accessToken"])
    creator = ok(
        api.call(
            "POST",
            f"{BASE}/creators/register",
            {
                "businessName": "Maker Co",
                "businessType": "company",
                "contactInfo": {"email": "m@maker.example"},
            },
            token=maker,
        ),
        201,
    )
    product = ok(
        api.call(
            "POST",
            f"{BASE}/products",
            {
                "name": "Maker frame",
                "category": "parts",
                "pricing": {"amount": 10000, "currency": "EUR"},
                "creatorId": creator["creatorId"],
            },
            token=admin,
        ),
        201,
    )
    ok(api.call("PUT", f"{BASE}/products/{product['productId']}/inventory", {"available": 1}, token=admin))
    assert api.register(f"shopper@{TENANT}.example", TENANT).status == 201
    shopper = str(api.login(f"shopper@{TENANT}.example", PASSWORD, TENANT)["accessToken"])
    assert (
        finished(api, shopper, order(api, shopper, product["productId"], 1, "tok_visa")["orderId"])["status"]
        == "paid"
    )

    def credited() -> Any:
        money = ok(api.call("GET", f"{BASE}/creators/{creator['creatorId']}/revenue", token=maker))
        return money if money["balances"] else None

    assert eventually(credited, timeout=10, what="the creator's credit")["balances"][0]["earned"] == 8500
    other = api.call("GET", f"{BASE}/creators/{creator['creatorId']}/revenue", token=shopper)
    assert other.status == 404


def test_stratus_seed_fills_a_storefront(
    api: Api, admin: str, local: LocalPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    from stratus import seed

    def counted() -> int:
        categories = ok(api.call("GET", f"{BASE}/products/categories", X_Tenant_ID=TENANT))
        return sum(int(c["count"]) for c in categories)

    monkeypatch.setenv("STRATUS_PASSWORD", PASSWORD)
    before = counted()
    args = argparse.Namespace(
        tenant=TENANT, products=12, seed=5, gateway=local.url, as_user=f"admin@{TENANT}.example@{TENANT}"
    )
    assert seed.run(args) == 0
    assert counted() == before + 12
    seeded = {body["name"]: stock for body, stock in seed.products(12, seed=5)}
    listed = ok(api.call("GET", f"{BASE}/products?pageSize=12", X_Tenant_ID=TENANT))
    for product in listed[:3]:
        found = ok(api.call("GET", f"{BASE}/products/{product['productId']}/inventory", X_Tenant_ID=TENANT))
        assert found["available"] == seeded[product["name"]]
