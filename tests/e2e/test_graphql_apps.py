"""The apps' types in the GraphQL read API end to end through `stratus dev`: the real marketplace and
health apps behind their GraphQL read routes (the app's gate, the acting user's own data), a page of
orders with every line's product, readings and consultations with their experts, and a tenant that has
not enabled the apps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Reply
from tests.e2e.fixtures import whole_api, whole_local  # noqa: F401  (fixtures the tests take by name)
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api
from tests.e2e.platform import eventually, tenant_with_admin

pytestmark = pytest.mark.e2e

TENANT, OTHER = "gql-apps", "gql-noapps"
SHOP, HEALTH = "/api/v1/apps/marketplace", "/api/v1/apps/health"


def ok(reply: Reply, status: int = 200) -> Any:
    assert reply.status == status, reply.body
    return reply.body["data"] if reply.body else None


def member(api: Api, name: str, tenant: str = TENANT) -> tuple[str, str]:
    assert api.register(f"{name}@{tenant}.example", tenant).status == 201
    login = api.login(f"{name}@{tenant}.example", PASSWORD, tenant)
    return str(login["accessToken"]), str(login["user"]["userId"])


def ask(api: Api, token: str, document: str) -> Reply:
    return api.call("POST", "/api/v1/graphql", {"query": document}, token=token)


@pytest.fixture(scope="module")
def world(api: Api) -> dict[str, Any]:
    """acme-like tenant with both apps: 3 products, a buyer with 2 paid orders of 2 lines, readings, a
    consultation with a verified expert; and a tenant without the apps."""
    root = str(api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])
    admin = tenant_with_admin(api, root, TENANT)
    for app in ("marketplace", "health"):
        ok(api.call("PUT", f"/api/v1/tenants/{TENANT}/services/{app}", {"enabled": True}, token=admin))
    products = []
    for name in ("Kettle", "Teapot", "Cups"):
        created: dict[str, Any] = {
            "name": name,
            "category": "tea",
            "pricing": {"amount": 1500, "currency": "EUR"},
        }
        product = ok(api.call("POST", f"{SHOP}/products", created, token=admin), 201)
        ok(
            api.call(
                "PUT", f"{SHOP}/products/{product['productId']}/inventory", {"available": 50}, token=admin
            )
        )
        products.append(product["productId"])
    buyer, buyer_id = member(api, "buyer")
    orders = []
    for pair in ((products[0], products[1]), (products[1], products[2])):
        lines = [{"productId": p, "quantity": 1} for p in pair]
        body: dict[str, Any] = {"items": lines, "payment": {"token": "tok_visa"}}
        orders.append(ok(api.call("POST", f"{SHOP}/orders", body, token=buyer), 201)["orderId"])

    def paid(order_id: str) -> bool:
        return bool(ok(api.call("GET", f"{SHOP}/orders/{order_id}", token=buyer))["status"] == "paid")

    for order_id in orders:
        eventually(lambda o=order_id: paid(o), timeout=30, what=f"order {order_id} paid")  # type: ignore[misc]
    now = datetime.now(UTC)
    readings = [
        {
            "type": "heart_rate",
            "value": v,
            "unit": "bpm",
            "measuredAt": (now - timedelta(hours=h)).isoformat(),
        }
        for h, v in ((3, 61), (2, 62), (1, 63))
    ]
    ok(api.call("POST", f"{HEALTH}/readings/batch", {"readings": readings}, token=buyer), 201)
    doc, doc_id = member(api, "doc")
    ok(api.call("POST", f"{HEALTH}/experts", {"name": "Dr Doc", "specialty": "cardiology"}, token=doc), 201)
    ok(api.call("POST", f"{HEALTH}/experts/{doc_id}/verify", token=admin))
    starts = (now + timedelta(days=2)).isoformat()
    slot = ok(api.call("POST", f"{HEALTH}/experts/{doc_id}/slots", {"startsAt": starts}, token=doc), 201)
    ok(api.call("POST", f"{HEALTH}/bookings", {"slotId": slot["slotId"]}, token=buyer), 201)
    outsider_admin = tenant_with_admin(api, root, OTHER)
    return {
        "admin": admin,
        "buyer": buyer,
        "buyerId": buyer_id,
        "doc": doc,
        "orders": orders,
        "products": products,
        "outsider": outsider_admin,
    }


def test_orders_with_each_lines_product_from_the_real_marketplace(api: Api, world: dict[str, Any]) -> None:
    reply = ask(
        api,
        world["buyer"],
        "{ orders { items { orderId status customerId"
        "    items { quantity product { name pricing { amount } } } } }"
        '  products(category: "tea") { total items { name } } }',
    )
    assert reply.status == 200, reply.body
    assert "errors" not in reply.body, reply.body
    orders = reply.body["data"]["orders"]["items"]
    assert sorted(o["orderId"] for o in orders) == sorted(world["orders"])
    assert {o["status"] for o in orders} == {"paid"}
    assert {o["customerId"] for o in orders} == {world["buyerId"]}
    names = sorted(line["product"]["name"] for o in orders for line in o["items"])
    assert names == ["Cups", "Kettle", "Teapot", "Teapot"]
    assert reply.body["data"]["products"]["total"] == 3
    # the admin bought nothing: its own orders are none (another user's orders are not listed)
    mine = ask(api, world["admin"], "{ orders { items { orderId } } }")
    assert mine.body["data"]["orders"]["items"] == []


def test_readings_and_consultations_with_their_expert_from_the_real_health_app(
    api: Api, world: dict[str, Any]
) -> None:
    reply = ask(
        api,
        world["buyer"],
        '{ readings(type: "heart_rate") { items { type value unit outOfRange } }'
        "  consultations { status startsAt expert { name specialty status } } }",
    )
    assert reply.status == 200, reply.body
    assert "errors" not in reply.body, reply.body
    assert [r["value"] for r in reply.body["data"]["readings"]["items"]] == [61, 62, 63]
    [consultation] = reply.body["data"]["consultations"]
    assert consultation["status"] == "booked"
    assert consultation["expert"] == {"name": "Dr Doc", "specialty": "cardiology", "status": "verified"}
    # the expert reads nobody's readings without a grant: its own (none), never the buyer's
    theirs = ask(api, world["doc"], f'{{ readings(userId: "{world["buyerId"]}") {{ items {{ value }} }} }}')
    assert theirs.body["data"]["readings"] is None
    assert theirs.body["errors"][0]["extensions"]["code"] in ("PERMISSION_DENIED", "FORBIDDEN")


def test_a_tenant_without_the_apps_gets_forbidden_and_its_other_fields(
    api: Api, world: dict[str, Any]
) -> None:
    reply = ask(api, world["outsider"], "{ me { tenantId } products { total } readings { items { value } } }")
    assert reply.status == 200, reply.body
    assert reply.body["data"] == {"me": {"tenantId": OTHER}, "products": None, "readings": None}
    assert {e["extensions"]["code"] for e in reply.body["errors"]} == {"FORBIDDEN"}


def test_a_field_the_caller_may_not_read_and_one_it_may(api: Api, world: dict[str, Any]) -> None:
    denied = ask(api, world["buyer"], "{ pendingExperts { name } }")
    assert denied.body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    allowed = ask(api, world["admin"], "{ pendingExperts { name } }")
    assert allowed.status == 200, allowed.body
    assert allowed.body["data"]["pendingExperts"] == []
