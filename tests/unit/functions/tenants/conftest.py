"""Fixtures of the tenants tests: the in-memory store and outbox (tests/unit/functions/tenants/fakes.py;
tests that ask for `dynamodb` get the real store over moto's table instead), recorded events, a fake cache,
and requests built exactly as API Gateway (public routes, after the authorizer) or a calling service
(internal routes) sends them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
from moto import mock_aws

from functions.tenants import ports
from functions.tenants.ports import TenantRecord
from shared import service_client
from shared.adapters.lambda_events import LocalContext, http_event
from shared.context import UserContext
from shared.declarations import OUTBOX_TABLE, Table
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import IncomingResponse, OutgoingRequest
from stratus.provision import create_bus, create_table
from tests.fakes.outbox import InMemoryOutbox
from tests.kit import service_token_for
from tests.unit.functions.tenants.fakes import FakeTenantsStore


@pytest.fixture
def dynamodb() -> Iterator[None]:
    """The real store over moto's DynamoDB (the store's own guarantees, its access patterns)."""
    with mock_aws():
        create_table(Table("tenants"))
        create_table(OUTBOX_TABLE)  # events are staged with the writes that cause them
        create_bus()
        yield


@pytest.fixture
def fake_outbox() -> InMemoryOutbox:
    return InMemoryOutbox()


@pytest.fixture(autouse=True)
def tenants_store(request: pytest.FixtureRequest, fake_outbox: InMemoryOutbox) -> Iterator[FakeTenantsStore]:
    """The in-memory store and outbox in the ports (not for tests that asked for `dynamodb`)."""
    fake = FakeTenantsStore(fake_outbox)
    if "dynamodb" in request.fixturenames:
        yield fake
        return
    with ports.store.replaced(fake), ports.outbox.replaced(fake_outbox):
        yield fake


@pytest.fixture(autouse=True)
def events(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    """Every event published (already validated against its schema by `publish`); no test reaches a bus."""
    sent: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *evts: sent.extend(evts))
    return sent


@dataclass
class FakeCache:
    """Answers the cache service's internal routes and remembers what it was sent."""

    requests: list[OutgoingRequest] = field(default_factory=list)
    status: int = 200

    def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        self.requests.append(request)
        if self.status != 200:
            error = {"code": "CACHE_UNAVAILABLE", "message": "down", "retryable": False}
            return IncomingResponse(self.status, {"success": False, "error": error})
        if request.path == "/internal/principals/tenant":
            return IncomingResponse(200, {"success": True, "data": {"epoch": 1}})
        return IncomingResponse(404, {"success": False, "error": {"code": "NOT_FOUND", "message": "?"}})

    def bodies(self) -> list[Any]:
        return [json.loads(r.body or b"null") for r in self.requests]


@pytest.fixture
def cache() -> Iterator[FakeCache]:
    fake = FakeCache()
    service_client.set_default_transport(fake)
    yield fake
    service_client.set_default_transport(None)


def _send(
    module: ModuleType,
    params: dict[str, str] | None,
    body: Any,
    headers: dict[str, str],
    authorizer: dict[str, Any] | None = None,
) -> tuple[int, dict[str, Any]]:
    route = module.app.declared
    path = route.path
    for name, value in (params or {}).items():
        path = path.replace("{" + name + "}", value)
    raw = body if isinstance(body, str) or body is None else json.dumps(body)
    event = http_event(
        route.method,
        path,
        route=route,
        path_params=params,
        headers={"content-type": "application/json", **headers},
        body=raw,
        authorizer=authorizer,
    )
    result = module.handler(event, LocalContext("tenants-test"))
    return int(result["statusCode"]), json.loads(result["body"]) if result.get("body") else {}


def internal(
    module: ModuleType, *, body: Any = None, caller: str = "gateway", **params: str
) -> tuple[int, dict[str, Any]]:
    """An internal call from another service, with a service token for `tenants`."""
    token = service_token_for(caller, "tenants")
    return _send(module, params, body, {"x-service-token": token, "x-service-name": caller})


def as_user(
    module: ModuleType,
    user: UserContext,
    *,
    body: Any = None,
    headers: dict[str, str] | None = None,
    **params: str,
) -> tuple[int, dict[str, Any]]:
    """A public route, as the gateway's authorizer hands it over for `user`."""
    return _send(module, params, body, headers or {}, authorizer={"userContext": user.to_header()})


PLATFORM_ADMIN = UserContext(
    user_id="u_root", tenant_id="platform", roles=("tenant_admin",), permissions=("*",)
)


def tenant_admin(tenant_id: str) -> UserContext:
    return UserContext(user_id="u_admin", tenant_id=tenant_id, roles=("tenant_admin",), permissions=("*",))


def member(tenant_id: str) -> UserContext:
    return UserContext(
        user_id="u_member", tenant_id=tenant_id, roles=("member",), permissions=("user.read", "file.read")
    )


def seed(tenant_id: str, *, plan: str = "free", status: str = "active", **quotas: int) -> None:
    """A tenant put straight into the store (the lifecycle tests go through the handlers instead)."""
    from functions.tenants.plans import quotas_for

    ports.store().put_new(
        TenantRecord(
            tenant_id=tenant_id,
            name=f"{tenant_id} Inc",
            plan=plan,
            status=status,
            quotas=quotas_for(plan, quotas),
            usage={"storageBytes": 0, "users": 0},
            created_at="2025-01-01T00:00:00.000Z",
            updated_at="2025-01-01T00:00:00.000Z",
        )
    )
