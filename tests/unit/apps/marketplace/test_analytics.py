"""Analytics: storefront events (single, batches of at most 500) into daily counters; orders and revenue
from order.paid only; the overview and per-product figures, for analytics.read holders of the tenant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from apps.marketplace import analytics_overview, analytics_product, events_batch, events_ingest, subscriber
from tests.kit import call, deliver, error_code, event
from tests.unit.apps.marketplace.conftest import ADMIN, GLOBEX, MEMBER, new_product

STORE = {"x-tenant-id": "acme"}
TODAY = datetime.now(UTC).date().isoformat()


def paid(product_id: str, amount: int, quantity: int = 1) -> Any:
    line = {
        "productId": product_id,
        "name": "x",
        "quantity": quantity,
        "unitPrice": amount,
        "totalPrice": amount,
    }
    data = {
        "orderId": "o_" + "9" * 32,
        "customerId": "u_b",
        "amount": amount,
        "currency": "USD",
        "items": [{"productId": product_id, "quantity": quantity}],
        "lines": [line],
    }
    return event("order.paid", data, source="marketplace", tenant_id="acme")


def test_views_and_orders_make_the_overview_with_conversion() -> None:
    product_id = new_product()
    for _ in range(3):
        assert call(events_ingest, body={"type": "view", "productId": product_id}, headers=STORE)[0] == 202
    batch = [{"type": "view", "productId": product_id, "sessionId": "s1"}] * 5 + [{"type": "add_to_cart"}]
    status, body = call(events_batch, body={"events": batch}, headers=STORE)
    assert (status, body["data"]) == (202, {"accepted": 6})
    assert deliver(subscriber, [paid(product_id, 2500, quantity=2)]) == []
    status, body = call(analytics_overview, query={"from": TODAY, "to": TODAY}, caller=ADMIN)
    assert status == 200
    figures = body["data"]
    assert (figures["views"], figures["orders"], figures["revenue"], figures["currency"]) == (
        8,
        1,
        2500,
        "USD",
    )
    assert figures["conversion"] == round(1 / 8, 4)
    assert figures["days"][0]["addToCart"] == 1
    status, body = call(analytics_product, params={"productId": product_id}, caller=ADMIN)
    assert (body["data"]["views"], body["data"]["units"]) == (8, 2)


def test_a_batch_over_500_or_a_bad_event_counts_nothing() -> None:
    status, body = call(events_batch, body={"events": [{"type": "view"}] * 501}, headers=STORE)
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")
    old = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    batch = [{"type": "view"}, {"type": "view", "timestamp": old}]
    assert call(events_batch, body={"events": batch}, headers=STORE)[0] == 400
    for bad in (
        {"type": "purchase"},
        {"type": "view", "productId": "x"},
        {"type": "view", "timestamp": "yesterday"},
    ):
        assert call(events_ingest, body=bad, headers=STORE)[0] == 400
    status, body = call(analytics_overview, caller=ADMIN)
    assert body["data"]["views"] == 0


def test_figures_are_the_tenants_own_and_need_analytics_read() -> None:
    call(events_ingest, body={"type": "view"}, headers={"x-tenant-id": "globex"})
    assert call(analytics_overview, caller=ADMIN)[1]["data"]["views"] == 0
    assert call(analytics_overview, caller=GLOBEX)[1]["data"]["views"] == 1
    status, body = call(analytics_overview, caller=MEMBER)
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")
    assert call(analytics_overview, headers=STORE)[0] == 401


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-13-01"},
        {"from": "yesterday"},
        {"from": "2026-02-01", "to": "2026-01-01"},
        {"from": "2020-01-01", "to": "2026-01-01"},
    ],
)
def test_bad_ranges_are_400(query: dict[str, str]) -> None:
    status, body = call(analytics_overview, query=query, caller=ADMIN)
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")
