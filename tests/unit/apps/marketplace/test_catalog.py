"""Products: CRUD, the storefront's public reads in its own tenant, categories, certification, inventory."""

from __future__ import annotations

import pytest

from apps.marketplace import (
    certification_decide,
    inventory_get,
    inventory_put,
    products_categories,
    products_certify,
    products_create,
    products_delete,
    products_get,
    products_list,
    products_update,
)
from shared.events.model import ServiceEvent
from tests.kit import call, error_code
from tests.unit.apps.marketplace.conftest import (
    ADMIN,
    GLOBEX,
    MEMBER,
    REVIEWER,
    SELLER,
    new_product,
    product_body,
)


def test_a_seller_adds_a_product_and_the_storefront_reads_it_without_a_token(
    published: list[ServiceEvent],
) -> None:
    # GIVEN a seller with product.write
    # WHEN they add a product
    status, body = call(products_create, body=product_body(), caller=SELLER)
    # THEN it is created with an id, no certification yet, and product.created is published
    assert status == 201
    product = body["data"]
    assert product["productId"].startswith("p_")
    assert product["pricing"] == {"amount": 129900, "currency": "USD"}
    assert product["certification"]["status"] == "none"
    assert [e.type for e in published] == ["product.created"]
    # AND an anonymous visitor of acme's storefront reads it (tenant from X-Tenant-ID)
    status, body = call(
        products_get, params={"productId": product["productId"]}, headers={"x-tenant-id": "acme"}
    )
    assert status == 200
    assert body["data"]["name"] == "Falcon X4"
    # AND the host's first label names the storefront when no header does
    status, body = call(products_list, headers={"host": "acme.shop.example.com"})
    assert status == 200
    assert [p["productId"] for p in body["data"]] == [product["productId"]]


def test_another_tenants_storefront_and_users_do_not_see_the_product() -> None:
    product_id = new_product()
    status, _ = call(products_get, params={"productId": product_id}, headers={"x-tenant-id": "globex"})
    assert status == 404
    status, _ = call(products_get, params={"productId": product_id}, caller=GLOBEX)
    assert status == 404
    # a signed-in user naming another tenant in the header is refused, never served that tenant
    status, _ = call(
        products_get, params={"productId": product_id}, caller=GLOBEX, headers={"x-tenant-id": "acme"}
    )
    assert status == 403
    status, _body = call(
        products_update, params={"productId": product_id}, body=product_body(), caller=GLOBEX
    )
    assert status == 404


def test_writes_need_product_write() -> None:
    status, body = call(products_create, body=product_body(), caller=MEMBER)
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")
    status, body = call(products_create, body=product_body())
    assert status == 401


@pytest.mark.parametrize(
    "bad",
    [
        {"pricing": {"amount": -1, "currency": "USD"}},
        {"pricing": {"amount": 10**15, "currency": "USD"}},
        {"pricing": {"amount": 12.5, "currency": "USD"}},
        {"pricing": {"amount": "100", "currency": "USD"}},
        {"pricing": {"amount": 100, "currency": "usd"}},
        {"category": "Drones/../x"},
        {"name": ""},
        {"tags": ["x"] * 21},
        {"specifications": {"blob": "x" * 20_000}},
        {"unknownField": 1},
    ],
)
def test_bad_products_are_400(bad: dict[str, object]) -> None:
    status, body = call(products_create, body=product_body(**bad), caller=ADMIN)
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")


def test_list_filters_by_category_and_pages_by_cursor_and_counts_categories() -> None:
    drones = [new_product(name=f"drone {i}") for i in range(3)]
    new_product(category="cameras")
    status, body = call(
        products_list, query={"category": "drones", "pageSize": "2"}, headers={"x-tenant-id": "acme"}
    )
    assert status == 200
    first = [p["productId"] for p in body["data"]]
    assert body["pagination"]["total"] == 3
    assert body["pagination"]["hasNext"] is True
    cursor = body["pagination"]["nextCursor"]
    status, body = call(
        products_list,
        query={"category": "drones", "pageSize": "2", "cursor": cursor},
        headers={"x-tenant-id": "acme"},
    )
    assert sorted(first + [p["productId"] for p in body["data"]]) == sorted(drones)
    status, body = call(products_categories, headers={"x-tenant-id": "acme"})
    assert body["data"] == [{"category": "cameras", "count": 1}, {"category": "drones", "count": 3}]


def test_a_cursor_of_another_listing_or_a_forged_one_is_400() -> None:
    for i in range(3):
        new_product(name=f"drone {i}")
    status, body = call(products_list, query={"pageSize": "1"}, headers={"x-tenant-id": "acme"})
    cursor = body["pagination"]["nextCursor"]
    status, body = call(products_list, query={"cursor": cursor}, headers={"x-tenant-id": "globex"})
    assert status == 400
    status, body = call(products_list, query={"cursor": "garbage!"}, headers={"x-tenant-id": "acme"})
    assert status == 400


def test_update_moves_the_category_count_and_delete_removes_it(published: list[ServiceEvent]) -> None:
    product_id = new_product()
    status, body = call(
        products_update,
        params={"productId": product_id},
        body=product_body(category="cameras", name="Falcon cam"),
        caller=SELLER,
    )
    assert status == 200
    assert body["data"]["category"] == "cameras"
    status, body = call(products_categories, headers={"x-tenant-id": "acme"})
    assert body["data"] == [{"category": "cameras", "count": 1}]
    status, _ = call(products_delete, params={"productId": product_id}, caller=SELLER)
    assert status == 204
    status, _ = call(products_get, params={"productId": product_id}, headers={"x-tenant-id": "acme"})
    assert status == 404
    status, body = call(products_categories, headers={"x-tenant-id": "acme"})
    assert body["data"] == []
    assert [e.type for e in published][-2:] == ["product.updated", "product.deleted"]


def test_certification_is_requested_then_decided_by_a_reviewer_with_a_level() -> None:
    product_id = new_product()
    params = {"productId": product_id}
    status, body = call(products_certify, params=params, body={"level": "premium"}, caller=SELLER)
    assert status == 200
    assert body["data"]["status"] == "pending"
    # the seller cannot decide their own request
    status, body = call(certification_decide, params=params, body={"decision": "approved"}, caller=SELLER)
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")
    status, body = call(
        certification_decide,
        params=params,
        body={"decision": "approved", "level": "standard", "feedback": "battery test only"},
        caller=REVIEWER,
    )
    assert status == 200
    assert body["data"]["status"] == "approved"
    assert body["data"]["level"] == "standard"
    assert body["data"]["decidedBy"] == "u_reviewer"
    # nothing pending any more: a second decision is a conflict
    status, body = call(certification_decide, params=params, body={"decision": "rejected"}, caller=REVIEWER)
    assert status == 409
    status, body = call(
        certification_decide, params=params, body={"decision": "approved", "level": "gold"}, caller=ADMIN
    )
    assert status == 400


def test_inventory_is_set_by_a_seller_and_read_publicly() -> None:
    product_id = new_product(stock=10)
    status, body = call(inventory_get, params={"productId": product_id}, headers={"x-tenant-id": "acme"})
    assert status == 200
    assert body["data"] == {"productId": product_id, "available": 10, "reserved": 0}
    for bad in (-1, 10**12, 1.5, "3"):
        status, body = call(
            inventory_put, params={"productId": product_id}, body={"available": bad}, caller=ADMIN
        )
        assert status == 400, bad
    status, body = call(inventory_put, params={"productId": product_id}, body={"available": 1}, caller=MEMBER)
    assert status == 403


def test_public_reads_without_any_tenant_are_400() -> None:
    status, body = call(products_list)
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")


def test_a_tenant_that_has_not_enabled_the_app_is_refused() -> None:
    # GIVEN initech exists but has not enabled the marketplace
    status, body = call(products_list, headers={"x-tenant-id": "initech"})
    assert (status, error_code(body)) == (403, "FORBIDDEN")
    initech_admin = ADMIN.model_copy(update={"tenant_id": "initech"})
    status, body = call(products_create, body=product_body(), caller=initech_admin)
    assert (status, error_code(body)) == (403, "FORBIDDEN")
    # AND an unknown storefront is 404
    status, body = call(products_list, headers={"x-tenant-id": "nosuchshop"})
    assert (status, error_code(body)) == (404, "TENANT_NOT_FOUND")
