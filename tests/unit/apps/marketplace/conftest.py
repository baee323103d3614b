"""The marketplace app under in-process moto: its table, the outbox, a captured event bus; callers as the
gateway's authorizer hands them over (tests/unit/apps/gate.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from apps.marketplace.access import ACCESS
from apps.marketplace.manifest import SERVICE
from shared.events.model import ServiceEvent
from tests.kit import call, user
from tests.unit.apps.gate import Platform, app_tables, captured_bus, serving_gate

ADMIN = user("u_admin", tenant="acme")  # tenant admins hold `*`
GLOBEX = user("u_globex", tenant="globex")
SELLER = user("u_seller", tenant="acme", permissions=("product.write",), roles=("seller",))
REVIEWER = user("u_reviewer", tenant="acme", permissions=("product.certify",), roles=("reviewer",))
MEMBER = user("u_member", tenant="acme", permissions=("user.read",), roles=("member",))


@pytest.fixture(autouse=True)
def platform() -> Iterator[Platform]:
    with serving_gate(ACCESS, enabled={"acme", "globex"}, tenants={"acme", "globex", "initech"}) as found:
        yield found


@pytest.fixture(autouse=True)
def aws_resources() -> Iterator[None]:
    with app_tables(SERVICE):
        yield


@pytest.fixture(autouse=True)
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    return captured_bus(monkeypatch)


def product_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "Falcon X4",
        "description": "A quadcopter with a 40 minute flight time",
        "category": "drones",
        "pricing": {"amount": 129900, "currency": "USD"},
        "specifications": {"flightTime": 40},
        "tags": ["fpv"],
    }
    return {**body, **overrides}


def new_product(caller: Any = ADMIN, stock: int | None = None, **overrides: Any) -> str:
    from apps.marketplace import inventory_put, products_create

    status, body = call(products_create, body=product_body(**overrides), caller=caller)
    assert status == 201, body
    product_id = str(body["data"]["productId"])
    if stock is not None:
        status, body = call(
            inventory_put, params={"productId": product_id}, body={"available": stock}, caller=caller
        )
        assert status == 200, body
    return product_id
