"""The template in-repo app (apps/hello/) end to end through `stratus dev`'s gateway: registered by the
deployment (listed, always active, its name taken), refused to a tenant that has not enabled it, served
once enabled — to a member's token and to an API key — its subscriber counting the tenant's new members,
and refused again the moment the tenant disables it."""

from __future__ import annotations

from typing import Any

import pytest

from functions.registry import in_repo
from stratus import dev_example
from stratus.local import LocalPlatform
from tests.e2e.conftest import Reply
from tests.e2e.fixtures import platform_admin, whole_api, whole_local  # noqa: F401  (fixtures the tests take by name)
from tests.e2e.identity import PASSWORD, Api
from tests.e2e.platform import eventually, tenant_with_admin

pytestmark = pytest.mark.e2e
TENANT, OTHER = "hello-acme", "hello-globex"
GREETING = "/api/v1/apps/hello/greeting"


@pytest.fixture(scope="module")
def admin(api: Api, root: str) -> str:
    return tenant_with_admin(api, root, TENANT)


@pytest.fixture(scope="module")
def other_admin(api: Api, root: str) -> str:
    return tenant_with_admin(api, root, OTHER)


def member(api: Api, name: str, tenant: str = TENANT) -> str:
    assert api.register(f"{name}@{tenant}.example", tenant).status == 201
    return str(api.login(f"{name}@{tenant}.example", PASSWORD, tenant)["accessToken"])


def ok(reply: Reply, status: int = 200) -> Any:
    assert reply.status == status, reply.body
    return reply.body["data"] if reply.body else None


def code(reply: Reply) -> str:
    return str(reply.body["error"]["code"])


def enable(api: Api, token: str, tenant: str, enabled: bool = True) -> Reply:
    return api.call("PUT", f"/api/v1/tenants/{tenant}/services/hello", {"enabled": enabled}, token=token)


def test_the_deployment_registered_hello_and_took_its_name(api: Api, root: str) -> None:
    listed = ok(api.call("GET", "/api/v1/registry/services", token=root))
    [hello] = [s for s in listed if s["name"] == "hello"]
    assert (hello["kind"], hello["active"], hello["serviceId"]) == (
        "in-repo",
        True,
        in_repo.service_id("hello"),
    )
    taken = api.call(
        "POST",
        "/api/v1/registry/services",
        {
            "name": "hello",
            "displayName": "Impostor",
            "version": "1.0.0",
            "baseUrl": "http://127.0.0.1:9",
            "endpoints": [{"method": "GET", "path": "/greeting"}],
        },
        token=root,
    )
    assert (taken.status, code(taken)) == (409, "CONFLICT")


def test_a_tenant_that_has_not_enabled_hello_is_403_and_a_stranger_401(api: Api, admin: str) -> None:
    reply = api.call("GET", GREETING, token=admin)
    assert (reply.status, code(reply)) == (403, "FORBIDDEN")
    anonymous = api.call("GET", GREETING)
    assert anonymous.status == 401


def test_enabled_hello_greets_members_and_counts_new_ones(api: Api, admin: str, other_admin: str) -> None:
    # GIVEN hello-acme enables hello (hello-globex does not)
    assert ok(enable(api, admin, TENANT))["enabled"] is True
    services = ok(api.call("GET", f"/api/v1/tenants/{TENANT}/services", token=admin))
    assert {s["name"]: (s["kind"], s["enabled"]) for s in services}["hello"] == ("in-repo", True)
    # WHEN a member joins and calls the app
    ann = member(api, "ann")
    greeting = ok(api.call("GET", GREETING, token=ann))
    assert greeting["tenantId"] == TENANT
    assert greeting["message"].startswith("Welcome, ")
    # THEN the app's subscriber counted the new member (through the bus and its queue)

    def counted() -> dict[str, Any] | None:
        found = ok(api.call("GET", GREETING, token=ann))
        return found if found["welcomed"] >= 1 else None

    assert eventually(counted, what="the member counted")["welcomed"] >= 1
    # AND a tenant that did not enable it is still refused
    gus = member(api, "gus", OTHER)
    refused = api.call("GET", GREETING, token=gus)
    assert (refused.status, code(refused)) == (403, "FORBIDDEN")


def test_an_api_key_of_the_tenant_reaches_the_app(api: Api, admin: str) -> None:
    key = ok(
        api.call("POST", "/api/v1/api-keys", {"name": "hello-bot", "scopes": ["user.read"]}, token=admin), 201
    )
    reply = api.call("GET", GREETING, X_API_Key=key["key"])
    body = ok(reply)
    assert body["tenantId"] == TENANT
    assert body["message"] == f"Welcome, {key['keyId']}!"
    forged = api.call("GET", GREETING, X_API_Key="stk_" + "a" * 36)
    assert (forged.status, code(forged)) == (401, "INVALID_TOKEN")


def test_a_path_hello_does_not_declare_is_404(api: Api, admin: str) -> None:
    reply = api.call("GET", "/api/v1/apps/hello/nothing-here", token=admin)
    assert reply.status == 404


def test_a_method_hello_does_not_declare_on_its_path_is_405_with_allow(api: Api, admin: str) -> None:
    # GIVEN the greeting, declared for GET only, WHEN it is DELETEd, THEN 405 names the method it has
    reply = api.call("DELETE", GREETING, token=admin)
    assert (reply.status, code(reply)) == (405, "METHOD_NOT_ALLOWED")
    assert reply.headers["Allow"] == "GET"


def test_disabling_hello_refuses_the_tenant_at_once(api: Api, admin: str) -> None:
    assert ok(api.call("GET", GREETING, token=admin))["tenantId"] == TENANT
    assert ok(enable(api, admin, TENANT, enabled=False))["enabled"] is False
    reply = api.call("GET", GREETING, token=admin)
    assert (reply.status, code(reply)) == (403, "FORBIDDEN")


def test_dev_with_example_runs_the_external_app_beside_the_in_repo_one(
    api: Api, local: LocalPlatform, admin: str
) -> None:
    # GIVEN `stratus dev --with-example` (its start-up step, on this platform)
    example = dev_example.start(local)
    assert example is not None
    try:
        # WHEN the tenant enables both apps
        assert ok(enable(api, admin, TENANT))["enabled"] is True
        both = api.call("PUT", f"/api/v1/tenants/{TENANT}/services/example", {"enabled": True}, token=admin)
        assert ok(both)["enabled"] is True
        # THEN one gateway serves the in-repo app and forwards to the external one, in the same tenant
        assert ok(api.call("GET", GREETING, token=admin))["tenantId"] == TENANT
        forwarded = api.call("GET", "/api/v1/apps/example/hello", token=admin)
        assert forwarded.status == 200, forwarded.body
        assert forwarded.body["tenantId"] == TENANT
    finally:
        example.stop()
    # AND stopping it deregisters it: its routes answer 503
    gone = api.call("GET", "/api/v1/apps/example/hello", token=admin)
    assert gone.status == 503
