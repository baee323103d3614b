"""The marketplace app under in-process moto: its table, the outbox, a captured event bus; callers as the
gateway's authorizer hands them over."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from moto import mock_aws

from apps.marketplace.access import ACCESS
from apps.marketplace.manifest import SERVICE
from shared import public_tenant
from shared.declarations import IDEMPOTENCY_TABLE, OUTBOX_TABLE
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import OutgoingRequest, reset_breakers, set_default_transport
from stratus.provision import create_table
from tests.kit import FakeServices, call, refuse, user

ADMIN = user("u_admin", tenant="acme")  # tenant admins hold `*`
GLOBEX = user("u_globex", tenant="globex")
SELLER = user("u_seller", tenant="acme", permissions=("product.write",), roles=("seller",))
REVIEWER = user("u_reviewer", tenant="acme", permissions=("product.certify",), roles=("reviewer",))
MEMBER = user("u_member", tenant="acme", permissions=("user.read",), roles=("member",))


@dataclass
class Platform:
    """The platform services the app's gate asks: which tenants enabled the marketplace, which exist."""

    enabled: set[str] = field(default_factory=lambda: {"acme", "globex"})
    tenants: set[str] = field(default_factory=lambda: {"acme", "globex", "initech"})
    fake: FakeServices = field(default_factory=FakeServices)

    def app_access(self, request: OutgoingRequest, _: Any) -> Any:
        name, tenant = request.path.split("/")[4], request.path.split("/")[6]
        return {"name": name, "tenantId": tenant, "enabled": tenant in self.enabled}

    def validate(self, request: OutgoingRequest, _: Any) -> Any:
        tenant = request.path.split("/")[3]
        if tenant not in self.tenants:
            return 404, refuse("TENANT_NOT_FOUND")
        return {"tenantId": tenant, "status": "active", "plan": "free"}


@pytest.fixture(autouse=True)
def platform() -> Iterator[Platform]:
    found = Platform()
    found.fake.on("registry", "GET", r"/internal/registry/apps/[^/]+/tenants/[^/]+", found.app_access)
    found.fake.on("tenants", "GET", r"/internal/tenants/[^/]+/validate", found.validate)
    found.fake.on("monitoring", "POST", r"/internal/.*", lambda r, b: {"recorded": True})
    set_default_transport(found.fake)
    reset_breakers()
    ACCESS.forget()
    public_tenant.forget()
    yield found
    set_default_transport(None)
    ACCESS.forget()


@pytest.fixture(autouse=True)
def aws_resources() -> Iterator[None]:
    with mock_aws():
        for table in (*SERVICE.tables, OUTBOX_TABLE, IDEMPOTENCY_TABLE):
            create_table(table)
        yield


@pytest.fixture(autouse=True)
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    events: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *sent: events.extend(sent))
    return events


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
