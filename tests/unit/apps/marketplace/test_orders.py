"""Orders and the saga, with the state machine really executed by moto's Step Functions interpreter (its
Lambda tasks answered in-process by our handlers: stratus/workflows_local.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moto.core.config import default_user_config

from apps.marketplace import (
    inventory_get,
    orders_cancel,
    orders_create,
    orders_get,
    payments,
    products_delete,
    reservations_job,
)
from apps.marketplace import saga as saga_steps
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import OrderState
from shared import workflows
from shared.events.model import ServiceEvent
from stratus import workflows_local
from tests.kit import call, error_code, user
from tests.unit.apps.marketplace.conftest import ADMIN, GLOBEX, new_product

BUYER = user("u_buyer", tenant="acme", permissions=("user.read",), roles=("member",))
OTHER_BUYER = user("u_other", tenant="acme", permissions=("user.read",), roles=("member",))


@pytest.fixture(autouse=True)
def saga(monkeypatch: pytest.MonkeyPatch, aws_resources: None) -> Iterator[payments.LocalProvider]:
    monkeypatch.setenv("STRATUS_PAYMENT_TIMEOUT", "0.3")
    monkeypatch.setitem(default_user_config, "stepfunctions", {"execute_state_machine": True})
    workflows_local.enable_execution()
    workflows_local.provision([SERVICE], log=lambda _: None)
    provider = payments.LocalProvider()
    payments.use(provider)
    yield provider
    payments.use(None)


def place(
    lines: dict[str, int],
    token: str = "tok_visa",  # noqa: S107 - a provider test token
    caller: Any = BUYER,
    key: str | None = None,
) -> dict[str, Any]:
    items = [{"productId": p, "quantity": q} for p, q in lines.items()]
    headers = {"idempotency-key": key} if key else None
    status, body = call(
        orders_create, body={"items": items, "payment": {"token": token}}, caller=caller, headers=headers
    )
    assert status == 201, body
    return dict(body["data"])


def settled(order_id: str, caller: Any = BUYER, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status, body = call(orders_get, params={"orderId": order_id}, caller=caller)
        assert status == 200, body
        if body["data"]["status"] != "pending" or time.monotonic() > deadline:
            return dict(body["data"])
        time.sleep(0.05)


def stock(product_id: str) -> dict[str, Any]:
    _status, body = call(inventory_get, params={"productId": product_id}, caller=ADMIN)
    return dict(body["data"])


def test_an_order_is_reserved_charged_and_paid(
    saga: payments.LocalProvider, published: list[ServiceEvent]
) -> None:
    a, b = new_product(stock=5), new_product(stock=2, pricing={"amount": 500, "currency": "USD"})
    order = place({a: 2, b: 1})
    assert order["status"] == "pending"
    assert order["orderId"].startswith("o_")
    done = settled(order["orderId"])
    assert done["status"] == "paid", done
    assert [s["name"] for s in done["steps"]] == ["reserve", "charge", "confirm"]
    assert done["total"] == {"amount": 2 * 129900 + 500, "currency": "USD"}
    assert done["payment"]["status"] == "charged"
    assert saga.captured() == 2 * 129900 + 500
    assert stock(a) == {"productId": a, "available": 3, "reserved": 0}
    types = [e.type for e in published]
    assert {"order.created", "payment.succeeded", "order.paid"} <= set(types)


def test_a_declined_card_releases_the_stock_and_cancels_with_the_reason(saga: payments.LocalProvider) -> None:
    a = new_product(stock=5)
    done = settled(place({a: 2}, "tok_chargeDeclined")["orderId"])
    assert done["status"] == "cancelled"
    assert "declined" in done["reason"]
    assert [(s["name"], s["status"]) for s in done["steps"]] == [
        ("reserve", "succeeded"),
        ("charge", "failed"),
        ("compensate", "succeeded"),
    ]
    assert stock(a) == {"productId": a, "available": 5, "reserved": 0}
    assert saga.captured() == 0


def test_a_payment_that_never_answers_is_compensated_no_money_no_stock_lost(
    saga: payments.LocalProvider,
) -> None:
    a = new_product(stock=3)
    done = settled(place({a: 3}, "tok_timeout")["orderId"])
    assert done["status"] == "cancelled"
    assert "timed out" in done["reason"]
    assert stock(a)["available"] == 3
    assert stock(a)["reserved"] == 0
    assert saga.captured() == 0


def test_not_enough_stock_cancels_without_charging(saga: payments.LocalProvider) -> None:
    a, b = new_product(stock=5), new_product(stock=1)
    done = settled(place({a: 2, b: 2})["orderId"])
    assert done["status"] == "cancelled"
    assert "out of stock" in done["reason"]
    assert b in done["reason"]
    # all or nothing: the line that had enough was not kept either
    assert stock(a)["available"] == 5
    assert stock(b)["available"] == 1
    assert saga.captured() == 0


def test_a_paid_order_is_refunded_on_cancel(
    saga: payments.LocalProvider, published: list[ServiceEvent]
) -> None:
    a = new_product(stock=1)
    order_id = place({a: 1})["orderId"]
    assert settled(order_id)["status"] == "paid"
    status, body = call(orders_cancel, params={"orderId": order_id}, caller=BUYER)
    assert status == 200
    assert body["data"]["status"] == "cancelled"
    assert body["data"]["payment"]["status"] == "refunded"
    assert saga.captured() == 0
    assert "payment.refunded" in [e.type for e in published]


def test_the_same_idempotency_key_gives_one_order() -> None:
    a = new_product(stock=10)
    first = place({a: 1}, key="retry-123")
    second = place({a: 1}, key="retry-123")
    assert first["orderId"] == second["orderId"]
    settled(first["orderId"])
    assert stock(a)["available"] == 9
    # another customer's same key is their own order
    assert place({a: 1}, key="retry-123", caller=OTHER_BUYER)["orderId"] != first["orderId"]


def test_100_parallel_orders_for_a_stock_of_10_pay_exactly_10(saga: payments.LocalProvider) -> None:
    a = new_product(stock=10, pricing={"amount": 100, "currency": "USD"})
    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(lambda _: place({a: 1})["orderId"], range(100)))
    outcomes = [settled(order_id, timeout=120)["status"] for order_id in ids]
    assert outcomes.count("paid") == 10
    assert outcomes.count("cancelled") == 90
    assert stock(a) == {"productId": a, "available": 0, "reserved": 0}
    assert saga.captured() == 10 * 100


@pytest.mark.parametrize(
    "items",
    [
        [{"productId": "p_" + "0" * 32, "quantity": 0}],
        [{"productId": "p_" + "0" * 32, "quantity": -3}],
        [{"productId": "p_" + "0" * 32, "quantity": 10**9}],
        [{"productId": "p_" + "0" * 32, "quantity": 1.5}],
        [{"productId": "../x", "quantity": 1}],
        [],
    ],
)
def test_bad_quantities_and_lines_are_400(items: list[dict[str, Any]]) -> None:
    status, body = call(orders_create, body={"items": items, "payment": {"token": "tok_visa"}}, caller=BUYER)
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")


def test_an_order_for_another_tenants_product_is_404_and_nothing_moves() -> None:
    theirs = new_product(caller=GLOBEX, stock=5)
    items = [{"productId": theirs, "quantity": 1}]
    status, body = call(orders_create, body={"items": items, "payment": {"token": "tok_visa"}}, caller=BUYER)
    assert status == 404
    status, body = call(inventory_get, params={"productId": theirs}, caller=GLOBEX)
    assert body["data"]["available"] == 5


def test_another_customer_cannot_read_or_cancel_my_order() -> None:
    a = new_product(stock=1)
    order_id = place({a: 1})["orderId"]
    settled(order_id)
    assert call(orders_get, params={"orderId": order_id}, caller=OTHER_BUYER)[0] == 404
    assert call(orders_cancel, params={"orderId": order_id}, caller=OTHER_BUYER)[0] == 404
    assert call(orders_get, params={"orderId": order_id}, caller=GLOBEX)[0] == 404
    assert call(orders_get, params={"orderId": order_id}, caller=ADMIN)[0] == 200  # order.read via `*`


def _held_order(monkeypatch: pytest.MonkeyPatch, product_id: str) -> str:
    """An order whose saga never started (as if its execution died), with its stock reserved."""
    monkeypatch.setattr(workflows, "start", lambda *a, **k: "arn:none")
    order_id = place({product_id: 1})["orderId"]
    saga_steps.reserve(OrderState(tenant_id="acme", order_id=order_id))
    return str(order_id)


def test_a_product_with_stock_held_by_an_order_cannot_be_deleted(monkeypatch: pytest.MonkeyPatch) -> None:
    a = new_product(stock=2)
    order_id = _held_order(monkeypatch, a)
    assert stock(a) == {"productId": a, "available": 1, "reserved": 1}
    status, _body = call(products_delete, params={"productId": a}, caller=ADMIN)
    assert status == 409
    saga_steps.compensate(OrderState(tenant_id="acme", order_id=order_id))
    assert call(products_delete, params={"productId": a}, caller=ADMIN)[0] == 204


def test_a_reservation_not_confirmed_in_15_minutes_is_released_by_the_job(
    monkeypatch: pytest.MonkeyPatch, saga: payments.LocalProvider
) -> None:
    a = new_product(stock=2)
    order_id = _held_order(monkeypatch, a)
    # WHEN the job runs 14 minutes later, nothing is due; 16 minutes later, the order is
    assert reservations_job.release_expired(datetime.now(UTC) + timedelta(minutes=14)).processed_items == 0
    done = reservations_job.release_expired(datetime.now(UTC) + timedelta(minutes=16))
    assert done.processed_items == 1
    assert not done.errors
    order = settled(order_id)
    assert order["status"] == "cancelled"
    assert order["reason"] == "reservation expired"
    assert stock(a) == {"productId": a, "available": 2, "reserved": 0}
    # and a late saga step finds nothing to do: the charge is not taken for a released reservation
    with pytest.raises(saga_steps.ReservationLost):
        saga_steps.charge(OrderState(tenant_id="acme", order_id=order_id))
    assert settled(order_id)["payment"]["status"] == "none"
    assert saga.captured() == 0


def test_a_paid_order_credits_its_creator_and_a_refund_takes_it_back(
    saga: payments.LocalProvider, published: list[ServiceEvent]
) -> None:
    from apps.marketplace import creators_register, creators_revenue, subscriber
    from tests.kit import deliver

    creator = user("u_maker", tenant="acme", permissions=("user.read",), roles=("member",))
    registration = {
        "businessName": "Maker",
        "businessType": "company",
        "contactInfo": {"email": "m@acme.example"},
    }
    creator_id = call(creators_register, body=registration, caller=creator)[1]["data"]["creatorId"]
    a = new_product(stock=3, creatorId=creator_id, pricing={"amount": 10_000, "currency": "USD"})
    order_id = place({a: 2})["orderId"]
    assert settled(order_id)["status"] == "paid"
    assert deliver(subscriber, [e for e in published if e.type == "order.paid"]) == []
    money = call(creators_revenue, params={"creatorId": creator_id}, caller=creator)[1]["data"]
    assert money["balances"][0]["earned"] == 17_000  # 20,000 less the default 15% commission
    call(orders_cancel, params={"orderId": order_id}, caller=BUYER)
    assert deliver(subscriber, [e for e in published if e.type == "payment.refunded"]) == []
    money = call(creators_revenue, params={"creatorId": creator_id}, caller=creator)[1]["data"]
    assert (money["balances"][0]["earned"], money["balances"][0]["available"]) == (0, 0)
