"""The apps' types in the one schema (app_types.json): each field read from its app's GraphQL read route,
acting for the caller (tenant from the token), behind the app's gate; nested app fields batched (no N+1);
the cost limit counting the apps' pages; per-field permissions."""

from __future__ import annotations

from shared.context import Headers, UserContext
from tests.kit import FakeServices
from tests.unit.functions.graphql.app_fakes import Apps, order
from tests.unit.functions.graphql.support import ADMIN, MEMBER, OUTSIDER, TENANT, acting, calls
from tests.unit.functions.graphql.test_query import ask

MARKETPLACE = "marketplace POST /internal/marketplace/graphql"
HEALTH = "health POST /internal/health/graphql"


def operations(services: FakeServices, app: str) -> list[str]:
    return [b["operation"] for b in services.sent(app, "/graphql")]


def test_products_come_from_the_marketplace_acting_for_the_caller(services: FakeServices) -> None:
    # WHEN a member of a tenant that enabled the marketplace lists products
    status, payload = ask(
        "{ products(pageSize: 3) { total items { name pricing { amount currency } } } }", MEMBER
    )
    # THEN the app's answer, from one call made for the member (the app applies its rules to them)
    assert status == 200, payload
    page = payload["data"]["products"]
    assert page["total"] == 10
    assert [p["name"] for p in page["items"]] == ["Tea 0", "Tea 1", "Tea 2"]
    assert calls(services) == [MARKETPLACE]
    [request] = services.requests
    assert acting(request) == MEMBER
    assert request.function == "marketplace-graphql-read"
    assert services.sent("marketplace") == [{"operation": "products", "arguments": {"pageSize": 3}}]


def test_a_page_of_orders_with_every_lines_product_is_two_app_calls_whatever_its_size(
    services: FakeServices, apps: Apps
) -> None:
    # GIVEN the member has 12 orders of 4 lines each (48 lines over 10 products)
    ids = list(apps.products)
    apps.orders = [order(i, "u_jane", [ids[(i + j) % 10] for j in range(4)]) for i in range(12)]
    # WHEN it lists them with each line's product
    status, payload = ask(
        "{ orders(pageSize: 12) { items { orderId items { quantity product { name } } } } }", MEMBER
    )
    # THEN every line has its product, from one orders call and ONE batched products call (not 48)
    assert status == 200, payload
    lines = [line for o in payload["data"]["orders"]["items"] for line in o["items"]]
    assert len(lines) == 48
    assert all(line["product"]["name"].startswith("Tea ") for line in lines)
    assert calls(services) == [MARKETPLACE, MARKETPLACE]
    assert operations(services, "marketplace") == ["orders", "productsById"]
    [_, batch] = services.sent("marketplace")
    assert sorted(batch["keys"]) == sorted(ids)  # each product once


def test_consultations_with_their_experts_and_readings_are_one_call_per_kind(services: FakeServices) -> None:
    status, payload = ask(
        '{ readings(type: "heart_rate") { items { type value unit } }'
        "  consultations { consultationId status expert { name specialty } } }",
        MEMBER,
    )
    assert status == 200, payload
    assert [r["value"] for r in payload["data"]["readings"]["items"]] == [60, 61, 62]
    consultations = payload["data"]["consultations"]
    assert len(consultations) == 5
    assert {c["expert"]["name"] for c in consultations} == {"u_doc1", "u_doc2"}
    assert operations(services, "health") == ["readings", "consultations", "expertsById"]
    assert calls(services) == [HEALTH] * 3


def test_platform_and_app_fields_in_one_query(services: FakeServices) -> None:
    status, payload = ask("{ me { userId } products { total } readings { items { readingId } } }", MEMBER)
    assert status == 200, payload
    assert payload["data"]["me"] == {"userId": "u_jane"}
    assert payload["data"]["products"]["total"] == 10


# --- attacks ---------------------------------------------------------------------------------------------
def test_a_tenant_without_the_app_gets_forbidden_on_its_fields_and_the_rest_answered(
    services: FakeServices,
) -> None:
    # GIVEN a user of a tenant that has not enabled the apps
    # WHEN it asks for app fields next to a platform field
    status, payload = ask("{ me { userId } products { total } consultations { status } }", OUTSIDER)
    # THEN its own data, and each app field null with the app gate's FORBIDDEN
    assert status == 200, payload
    assert payload["data"] == {"me": {"userId": "u_eve"}, "products": None, "consultations": None}
    codes = {e["path"][0]: e["extensions"]["code"] for e in payload["errors"]}
    assert codes == {"products": "FORBIDDEN", "consultations": "FORBIDDEN"}
    assert "not enabled" in payload["errors"][0]["message"]


def test_no_argument_names_a_tenant_and_each_call_carries_the_tokens(services: FakeServices) -> None:
    # An argument for the tenant does not exist: the document is refused before any call
    status, payload = ask('{ products(tenantId: "acme") { total } }', OUTSIDER)
    assert status == 400
    assert payload["errors"][0]["extensions"]["code"] == "INVALID_REQUEST"
    assert services.requests == []
    # ...and an X-Tenant-ID other than the token's is the platform's 403 before GraphQL runs
    status, _ = ask("{ products { total } }", OUTSIDER, headers={Headers.TENANT_ID: TENANT})
    assert status == 403
    assert services.requests == []


def test_another_users_order_is_not_found_and_an_order_reader_sees_it(
    services: FakeServices, apps: Apps
) -> None:
    admins_order = apps.orders[-1]["orderId"]
    status, payload = ask(f'{{ order(orderId: "{admins_order}") {{ orderId }} }}', MEMBER)
    assert status == 200
    assert payload["data"]["order"] is None
    assert payload["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    status, payload = ask(f'{{ order(orderId: "{admins_order}") {{ customerId }} }}', ADMIN)
    assert payload["data"]["order"] == {"customerId": "u_admin"}


def test_a_field_with_a_permission_is_checked_before_the_app_is_called(services: FakeServices) -> None:
    # GIVEN a member without health.expert.verify WHEN it asks for the verification queue
    status, payload = ask("{ pendingExperts { expertId } me { userId } }", MEMBER)
    # THEN that field is PERMISSION_DENIED and the app was never asked
    assert status == 200
    assert payload["data"]["pendingExperts"] is None
    assert payload["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    assert services.sent("health") == []
    # and a verifier gets it
    verifier = UserContext(
        user_id="u_v", tenant_id=TENANT, roles=("r",), permissions=("health.expert.verify",)
    )
    status, payload = ask("{ pendingExperts { expertId status } }", verifier)
    assert payload["data"]["pendingExperts"] == [{"expertId": "u_doc3", "status": "pending"}]


def test_an_app_page_multiplies_the_cost_and_an_expensive_one_is_refused_before_any_call(
    services: FakeServices,
) -> None:
    # GIVEN three aliased pages of 100 products with every field (each ~20 fields x 100)
    product = (
        "items { productId name description category tags images creatorId status createdAt updatedAt "
        "specifications pricing { amount currency } certification { status level } }"
    )
    one = "products(pageSize: 100) { total nextCursor " + product + " }"
    assert ask("{ " + one + " }", MEMBER)[0] == 200
    services.requests.clear()
    # WHEN they come in one document THEN it is refused as too costly, before any backend call
    status, payload = ask("{ a: " + one + " b: " + one + " c: " + one + " }", MEMBER)
    assert status == 400, payload
    assert "costs" in payload["errors"][0]["message"]
    assert payload["errors"][0]["extensions"]["code"] == "INVALID_REQUEST"
    assert services.requests == []
