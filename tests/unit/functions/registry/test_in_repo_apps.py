"""In-repo apps in the registry (functions/registry/in_repo.py): registered by the deployment and always
active, enabled per tenant like any app, their names taken, and their enablement answered to the app's own
gate only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from functions.catalog import SERVICES
from functions.registry import app_access, deregister, get, in_repo, register, tenant_services
from functions.registry import list as list_fn
from functions.registry import tenant_services_put as put_fn
from functions.registry.in_repo import InRepoApp
from shared import app_access as gate
from shared.declarations import Layer, Service
from shared.events.model import ServiceEvent
from tests.kit import call, error_code
from tests.unit.functions.registry.conftest import ACME_ADMIN, GLOBEX_ADMIN, MEMBER, ROOT
from tests.unit.functions.registry.test_registry import registration
from tests.unit.functions.registry.test_routing import through

HELLO = InRepoApp(
    name="hello",
    display_name="Hello",
    version="0.1.0",
    endpoints=({"method": "GET", "path": "/greeting", "public": False},),
    events=("user.created",),
)


@pytest.fixture(autouse=True)
def deployed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deployment that ships the hello app."""
    monkeypatch.setattr(in_repo, "apps", lambda: {"hello": HELLO})


def put(tenant: str, name: str, enabled: bool, caller: Any = ACME_ADMIN) -> tuple[int, dict[str, Any]]:
    return call(put_fn, params={"tenantId": tenant, "name": name}, body={"enabled": enabled}, caller=caller)


def asked(name: str, tenant: str, *, by: str) -> tuple[int, dict[str, Any]]:
    return call(app_access, params={"name": name, "tenantId": tenant}, service=by)


# --- registered by the deployment ------------------------------------------------------------------------
def test_the_generated_file_lists_the_catalogs_apps_with_their_routes() -> None:
    # GIVEN the catalog  WHEN the deployment file is generated  THEN each app with its routes and events
    listed = json.loads(in_repo.document(SERVICES))["apps"]
    apps_in_catalog = sorted(s.name for s in SERVICES if s.package == "apps")
    assert [a["name"] for a in listed] == apps_in_catalog
    hello = next(a for a in listed if a["name"] == "hello")
    assert {"method": "GET", "path": "/greeting", "public": False} in hello["endpoints"]
    assert hello["events"] == ["tenant.deleted", "user.created"]


def test_a_platform_service_is_never_described_as_an_app() -> None:
    assert json.loads(in_repo.document([Service("users", Layer.BUSINESS)]))["apps"] == []


def test_the_registry_lists_an_in_repo_app_as_active_without_a_heartbeat() -> None:
    # WHEN a platform admin lists the apps (active ones only, by default)
    status, body = call(list_fn, caller=ROOT)
    # THEN the in-repo app is there, active, of kind in-repo, with no base URL nor secret
    assert status == 200
    [hello] = [a for a in body["data"] if a["name"] == "hello"]
    assert hello["kind"] == "in-repo"
    assert hello["active"] is True
    assert hello["serviceId"] == in_repo.service_id("hello")
    assert hello.get("baseUrl") is None
    assert hello.get("clientId") is None
    assert hello["endpoints"] == [
        {"method": "GET", "path": "/greeting", "requiredPermission": None, "public": False}
    ]


def test_an_in_repo_app_is_found_by_its_stable_id() -> None:
    status, body = call(get, params={"serviceId": in_repo.service_id("hello")}, caller=ROOT)
    assert (status, body["data"]["name"], body["data"]["kind"]) == (200, "hello", "in-repo")
    assert in_repo.service_id("hello") == in_repo.service_id("hello") != in_repo.service_id("hellp")


def test_an_in_repo_app_cannot_be_deregistered() -> None:
    status, body = call(deregister, params={"serviceId": in_repo.service_id("hello")}, caller=ROOT)
    assert (status, error_code(body)) == (409, "CONFLICT")


# --- names ----------------------------------------------------------------------------------------------
def test_an_external_app_cannot_take_an_in_repo_apps_name() -> None:
    # GIVEN hello is deployed  WHEN an external app registers as hello  THEN 409
    status, body = call(register, body=registration("hello"), caller=ROOT)
    assert (status, error_code(body)) == (409, "CONFLICT")
    assert body["error"]["field"] == "name"


@pytest.mark.parametrize("name", ["marketplace", "health", "users", "oauth2"])
def test_names_of_platform_services_and_planned_apps_are_409(name: str) -> None:
    status, body = call(register, body=registration(name), caller=ROOT)
    assert (status, error_code(body)) == (409, "CONFLICT")


# --- per tenant -----------------------------------------------------------------------------------------
def test_a_tenant_admin_enables_an_in_repo_app_with_its_event(published: list[ServiceEvent]) -> None:
    # GIVEN hello is listed for acme, disabled
    listed = call(tenant_services, params={"tenantId": "acme"}, caller=ACME_ADMIN)[1]["data"]
    assert [(a["name"], a["kind"], a["enabled"]) for a in listed] == [("hello", "in-repo", False)]
    # WHEN acme's admin enables it
    status, body = put("acme", "hello", True)
    # THEN it is enabled for acme only, and the event says so
    assert (status, body["data"]["enabled"], body["data"]["kind"]) == (200, True, "in-repo")
    assert [e.type for e in published] == ["tenant.service_enabled"]
    assert published[0].data == {
        "tenantId": "acme",
        "serviceId": in_repo.service_id("hello"),
        "name": "hello",
    }
    globex = call(tenant_services, params={"tenantId": "globex"}, caller=GLOBEX_ADMIN)[1]["data"]
    assert [(a["name"], a["enabled"]) for a in globex] == [("hello", False)]


def test_a_member_without_tenant_write_cannot_enable_it() -> None:
    status, body = put("acme", "hello", True, caller=MEMBER)
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")


# --- the app's gate asks --------------------------------------------------------------------------------
def test_the_app_itself_learns_whether_a_tenant_enabled_it() -> None:
    assert asked("hello", "acme", by="hello")[1]["data"]["enabled"] is False
    put("acme", "hello", True)
    status, body = asked("hello", "acme", by="hello")
    assert status == 200
    assert body["data"] == {"name": "hello", "tenantId": "acme", "enabled": True, "config": None}
    put("acme", "hello", False)
    assert asked("hello", "acme", by="hello")[1]["data"]["enabled"] is False


def test_another_service_cannot_learn_which_tenants_use_an_app() -> None:
    # GIVEN acme enabled hello  WHEN another app (a higher-layer service) asks about hello  THEN 403
    put("acme", "hello", True)
    status, body = asked("hello", "acme", by="files")
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")


def test_a_user_token_never_reaches_the_internal_route() -> None:
    status, _ = call(app_access, params={"name": "hello", "tenantId": "acme"}, caller=ACME_ADMIN)
    assert status == 401


@dataclass
class Choice:
    enabled: bool
    config: dict[str, Any] | None = None


class CountingRegistry:
    def __init__(self) -> None:
        self.enabled = True

    def app_access(self, name: str, tenant_id: str) -> Choice:
        return Choice(self.enabled)


def test_disabling_reaches_the_gates_of_this_process_at_once() -> None:
    # GIVEN a hello gate that cached "enabled" for acme
    source = CountingRegistry()
    hello_service = Service("hello", Layer.APPLICATION, package="apps")
    hello_gate = gate.AppAccess(hello_service, registry=source, tenants=object(), ttl=600)  # type: ignore[arg-type]
    assert hello_gate.enabled("acme")
    # WHEN acme's admin disables hello through the registry
    source.enabled = False
    assert put("acme", "hello", False)[0] == 200
    # THEN the gate asks again at once instead of serving its cached answer
    assert hello_gate.enabled("acme") is False


def test_a_path_of_an_in_repo_app_that_it_does_not_declare_is_404_and_never_forwarded() -> None:
    put("acme", "hello", True)
    status, body = through("GET", "hello/nothing-here", caller=ACME_ADMIN)
    assert (status, error_code(body)) == (404, "NOT_FOUND")
