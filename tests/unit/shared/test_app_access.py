"""An in-repo app's gate (shared.app_access, shared.app_http, shared.public_tenant): a tenant that has not
enabled the app is refused, anonymous requests are placed in the tenant seed 001's way, and a handler only
ever sees the tenant the gate chose."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel

from shared import app_access, public_tenant
from shared.app_access import AppAccess
from shared.app_http import AppHttpApp
from shared.context import require
from shared.declarations import Auth, Function, Layer, Route, Service
from shared.errors import TenantNotFound, TenantSuspended
from tests.kit import call, error_code, user

DEMO = Service(
    name="demo",
    layer=Layer.APPLICATION,
    package="tests.unit.shared",
    functions=(
        Function("mine", Route("GET", "/api/v1/apps/demo/mine"), calls=("registry", "tenants")),
        Function("board", Route("GET", "/api/v1/apps/demo/board", auth=Auth.PUBLIC)),
        Function("shelf", Route("GET", "/api/v1/apps/demo/shelf")),
    ),
)
# Each tenant's data: a handler that read any tenant but the gate's would show another tenant's line.
DATA = {"acme": "acme's board", "globex": "globex's board", "initech": "initech's board"}


@dataclass
class Choice:
    enabled: bool
    config: dict[str, Any] | None = None


@dataclass
class FakeRegistry:
    enabled: set[str]
    asked: list[tuple[str, str]] = field(default_factory=list)

    def app_access(self, name: str, tenant_id: str) -> Choice:
        self.asked.append((name, tenant_id))
        return Choice(tenant_id in self.enabled, {"colour": "blue"} if tenant_id in self.enabled else None)


@dataclass
class FakeTenants:
    known: dict[str, str]  # tenant → status
    asked: list[str] = field(default_factory=list)

    def validate(self, tenant_id: str) -> object:
        self.asked.append(tenant_id)
        status = self.known.get(tenant_id)
        if status is None:
            raise TenantNotFound(details={"tenantId": tenant_id})
        if status == "suspended":
            raise TenantSuspended()
        return object()


class Seen(BaseModel):
    tenant: str
    board: str
    caller: str | None


def _module(name: str, access: AppAccess, *, anonymous: bool = False) -> SimpleNamespace:
    app = AppHttpApp(DEMO.function(name), access=access, anonymous=anonymous)

    @app.endpoint
    def endpoint() -> Seen:
        ctx = require()
        assert ctx.tenant_id is not None
        return Seen(
            tenant=ctx.tenant_id, board=DATA[ctx.tenant_id], caller=ctx.user.user_id if ctx.user else None
        )

    return SimpleNamespace(app=app, handler=lambda event, context: app.resolve(event, context))


@pytest.fixture
def registry() -> FakeRegistry:
    return FakeRegistry({"acme", "globex"})


@pytest.fixture
def tenants() -> FakeTenants:
    return FakeTenants({"acme": "active", "globex": "active", "initech": "active", "umbrella": "suspended"})


@pytest.fixture
def gate(registry: FakeRegistry, tenants: FakeTenants) -> Iterator[AppAccess]:
    public_tenant.forget()
    yield AppAccess(DEMO, registry=registry, tenants=tenants, ttl=60)
    public_tenant.forget()


# --- user routes ------------------------------------------------------------------------------------------
def test_a_member_of_a_tenant_that_enabled_the_app_gets_its_own_tenant(gate: AppAccess) -> None:
    # GIVEN acme enabled the app
    # WHEN a member of acme calls a user route
    status, body = call(_module("mine", gate), caller=user("u_1", tenant="acme"))
    # THEN the handler runs in acme
    assert status == 200
    assert body["data"] == {"tenant": "acme", "board": "acme's board", "caller": "u_1"}


def test_a_tenant_that_has_not_enabled_the_app_is_403_forbidden(gate: AppAccess) -> None:
    # GIVEN initech did not enable the app WHEN its member calls THEN 403 FORBIDDEN, the handler never ran
    status, body = call(_module("mine", gate), caller=user("u_2", tenant="initech"))
    assert status == 403
    assert error_code(body) == "FORBIDDEN"


def test_the_authorizers_refusal_still_comes_first(gate: AppAccess) -> None:
    # GIVEN no credential at all on a user route WHEN called THEN 401, not a tenant lookup
    status, body = call(_module("mine", gate))
    assert status == 401
    assert error_code(body) == "INVALID_TOKEN"


def test_an_authenticated_caller_cannot_name_another_tenant_in_the_header(gate: AppAccess) -> None:
    status, body = call(_module("mine", gate), caller=user(tenant="initech"), headers={"x-tenant-id": "acme"})
    assert status == 403
    assert body["error"]["field"] == "X-Tenant-ID"


def test_answers_are_cached_and_a_change_through_the_registry_is_seen_at_once(
    gate: AppAccess, registry: FakeRegistry
) -> None:
    module = _module("mine", gate)
    # GIVEN two calls: the registry is asked once
    call(module, caller=user(tenant="acme"))
    call(module, caller=user(tenant="acme"))
    assert registry.asked == [("demo", "acme")]
    # WHEN acme disables the app (the registry's PUT calls app_access.forget in its process)
    registry.enabled.discard("acme")
    app_access.forget("demo", "acme")
    # THEN the very next call is refused
    status, body = call(module, caller=user(tenant="acme"))
    assert status == 403
    assert error_code(body) == "FORBIDDEN"


def test_config_is_the_tenants_and_empty_when_none(gate: AppAccess) -> None:
    assert gate.config("acme") == {"colour": "blue"}
    assert gate.config("initech") == {}


# --- public routes ----------------------------------------------------------------------------------------
def test_a_public_route_serves_the_tenant_of_the_header_and_only_its_data(gate: AppAccess) -> None:
    module = _module("board", gate)
    # WHEN anyone names globex THEN they see globex's data, never acme's
    status, body = call(module, headers={"x-tenant-id": "globex"})
    assert status == 200
    assert body["data"] == {"tenant": "globex", "board": "globex's board", "caller": None}


def test_a_public_route_takes_the_hosts_first_label_without_a_header(gate: AppAccess) -> None:
    status, body = call(_module("board", gate), headers={"host": "acme.stratus.example.com"})
    assert status == 200
    assert body["data"]["tenant"] == "acme"


def test_the_header_wins_over_the_host(gate: AppAccess) -> None:
    status, body = call(_module("board", gate), headers={"host": "acme.example.com", "x-tenant-id": "globex"})
    assert status == 200
    assert body["data"]["tenant"] == "globex"


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({"x-tenant-id": "nosuch"}, 404, "TENANT_NOT_FOUND"),
        ({"x-tenant-id": "umbrella"}, 403, "TENANT_SUSPENDED"),
        ({"x-tenant-id": "initech"}, 403, "FORBIDDEN"),  # exists, has not enabled the app
        ({}, 400, "INVALID_REQUEST"),  # `localhost`: no label to take
        ({"host": "127.0.0.1:8080"}, 400, "INVALID_REQUEST"),
        ({"x-tenant-id": "ACME#x"}, 400, "INVALID_REQUEST"),
    ],
)
def test_a_public_route_refuses_what_it_cannot_place(
    gate: AppAccess, headers: dict[str, str], status: int, code: str
) -> None:
    got, body = call(_module("board", gate), headers=headers)
    assert (got, error_code(body)) == (status, code)


def test_an_unknown_tenant_is_looked_up_once_per_window(gate: AppAccess, tenants: FakeTenants) -> None:
    module = _module("board", gate)
    for _ in range(3):
        assert call(module, headers={"x-tenant-id": "nosuch"})[0] == 404
    assert tenants.asked == ["nosuch"]


def test_an_anonymous_user_route_serves_a_signed_in_caller_in_its_own_tenant(gate: AppAccess) -> None:
    module = _module("shelf", gate, anonymous=True)
    # a member of acme, whatever the host says
    status, body = call(module, caller=user("u_1", tenant="acme"), headers={"host": "globex.example.com"})
    assert (status, body["data"]["tenant"]) == (200, "acme")
    # nobody: the header's tenant
    status, body = call(module, headers={"x-tenant-id": "globex"})
    assert (status, body["data"]["tenant"], body["data"]["caller"]) == (200, "globex", None)


# --- declarations -----------------------------------------------------------------------------------------
def test_only_an_app_has_a_gate(registry: FakeRegistry, tenants: FakeTenants) -> None:
    platform = Service("core-thing", Layer.CORE)
    with pytest.raises(ValueError, match="only an app"):
        AppAccess(platform, registry=registry, tenants=tenants)


def test_an_app_route_outside_its_prefix_or_internal_is_refused(gate: AppAccess) -> None:
    other = Service(
        "demo",
        Layer.APPLICATION,
        package="tests.unit.shared",
        functions=(
            Function("stray", Route("GET", "/api/v1/demo/stray")),
            Function("inner", Route("GET", "/api/v1/apps/demo/inner", auth=Auth.SERVICE)),
        ),
    )
    with pytest.raises(ValueError, match="live under"):
        AppHttpApp(other.function("stray"), access=gate)
    with pytest.raises(ValueError, match="`user` or `public`"):
        AppHttpApp(other.function("inner"), access=gate)


def test_the_tenants_services_own_answer_reaches_the_caller_through_its_typed_client(
    registry: FakeRegistry,
) -> None:
    # GIVEN the gate asking the real tenants client (over a fake transport): acme exists, nosuch does not
    from functions.tenants.client import TenantsClient
    from tests.kit import FakeServices, refuse

    def validate(request: Any, _: Any) -> Any:
        tenant = request.path.split("/")[3]
        if tenant != "acme":
            return 404, refuse("TENANT_NOT_FOUND", "no such tenant")
        return {"tenantId": "acme", "status": "active", "plan": "free"}

    fake = FakeServices().on("tenants", "GET", r"/internal/tenants/[^/]+/validate", validate)
    public_tenant.forget()
    gate = AppAccess(DEMO, registry=registry, tenants=TenantsClient(DEMO, transport=fake), ttl=60)
    module = _module("board", gate)
    # WHEN anyone names each  THEN acme's board, and 404 TENANT_NOT_FOUND for the unknown one
    assert call(module, headers={"x-tenant-id": "acme"})[1]["data"]["tenant"] == "acme"
    status, body = call(module, headers={"x-tenant-id": "nosuch"})
    assert (status, error_code(body)) == (404, "TENANT_NOT_FOUND")
    assert [r.path for r in fake.requests] == [
        "/internal/tenants/acme/validate",
        "/internal/tenants/nosuch/validate",
    ]
    public_tenant.forget()
