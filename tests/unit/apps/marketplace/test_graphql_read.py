"""The marketplace's GraphQL read route (shared.app_graphql): only GraphQL (a higher layer) may call it,
acting for a user whose tenant enabled the app; each operation is the REST routes' own domain call."""

from __future__ import annotations

from typing import Any

from apps.marketplace import graphql_read
from shared.context import Headers, UserContext
from tests.kit import call, user
from tests.unit.apps.gate import Platform
from tests.unit.apps.marketplace.conftest import ADMIN, MEMBER, new_product


def read(
    body: dict[str, Any], caller: UserContext | None = MEMBER, service: str = "graphql"
) -> tuple[int, Any]:
    headers = {Headers.USER_CONTEXT: caller.to_header()} if caller else {}
    return call(graphql_read, body=body, service=service, headers=headers)


def test_products_and_a_batch_of_them_by_id_for_the_acting_user() -> None:
    first, second = new_product(name="Kettle"), new_product(name="Teapot")
    status, body = read({"operation": "products", "arguments": {"pageSize": 10}})
    assert status == 200, body
    page = body["data"]["value"]
    assert sorted(p["name"] for p in page["items"]) == ["Kettle", "Teapot"]
    assert page["total"] == 2
    status, body = read({"operation": "productsById", "keys": [first, second, "p_" + "0" * 32, "junk"]})
    assert status == 200, body
    found = body["data"]["found"]
    assert (found[first]["name"], found[second]["name"]) == ("Kettle", "Teapot")
    assert found["p_" + "0" * 32] is None
    assert found["junk"] is None


def test_another_tenants_product_is_not_in_a_batch() -> None:
    mine = new_product(name="Kettle")
    status, body = read({"operation": "productsById", "keys": [mine]}, caller=user("u_g", tenant="globex"))
    assert status == 200
    assert body["data"]["found"] == {mine: None}


def test_a_tenant_that_has_not_enabled_the_app_is_forbidden(platform: Platform) -> None:
    status, body = read({"operation": "products"}, caller=user("u_i", tenant="initech"))
    assert (status, body["error"]["code"]) == (403, "FORBIDDEN")


def test_only_a_higher_layer_acting_for_a_user_may_call_it() -> None:
    # a service of a lower layer (users is core) may not call up into an app
    status, body = read({"operation": "products"}, service="users")
    assert status == 403, body
    # without a user to act for, nothing is read
    status, body = read({"operation": "products"}, caller=None)
    assert status == 401, body


def test_an_unknown_operation_an_unknown_argument_and_a_batch_without_keys_are_400() -> None:
    for body in (
        {"operation": "dropTables"},
        {"operation": "products", "arguments": {"tenantId": "globex"}},
        {"operation": "productsById"},
        {"operation": "products", "arguments": {"pageSize": 1000}},
        {"operation": "products", "arguments": {"category": "#evil"}},
    ):
        status, answer = read(body, caller=ADMIN)
        assert (status, answer["error"]["code"]) == (400, "INVALID_REQUEST"), body


def test_an_order_of_someone_else_is_not_found() -> None:
    status, body = read({"operation": "order", "arguments": {"orderId": "o_" + "1" * 32}})
    assert (status, body["error"]["code"]) == (404, "NOT_FOUND")
    status, body = read({"operation": "orders", "arguments": {"pageSize": 5}})
    assert status == 200
    assert body["data"]["value"] == {"items": [], "nextCursor": None}
