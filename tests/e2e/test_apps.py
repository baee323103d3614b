"""Apps on the platform, end to end through `stratus dev`'s gateway with the sample external app
(`stratus app serve-example`) on a loopback port: register → heartbeat → enable for a tenant → call through
/api/v1/apps/{name}/... with a user token and with an API key → webhook delivered and verified → a failing
receiver retried, dead-lettered and redriven → inactive → 503 → deregistered. Every attack of the brief is
a GIVEN/WHEN/THEN here."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest

from functions.catalog import registry
from shared import access_tokens
from shared.access_tokens import generate_private_key_pem
from shared.config import settings
from stratus import queues
from stratus.example_app import ExampleApp
from stratus.local import LocalPlatform
from tests.e2e.conftest import Reply, request
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api
from tests.e2e.platform import eventually, tenant_with_admin, whole_platform

pytestmark = pytest.mark.e2e
TENANT, OTHER = "apps-acme", "apps-globex"
HEARTBEAT_TTL = 3


@pytest.fixture(scope="module")
def local() -> Iterator[LocalPlatform]:
    with whole_platform(
        STRATUS_APP_HEARTBEAT_TTL=str(HEARTBEAT_TTL),
        STRATUS_WEBHOOK_BACKOFF="0",  # retries at once: six attempts in seconds, not minutes
        STRATUS_APP_TIMEOUT="1",
    ) as platform:
        yield platform


@pytest.fixture(scope="module")
def api(local: LocalPlatform) -> Api:
    return Api(local.url)


@pytest.fixture(scope="module")
def root(api: Api) -> str:
    return str(api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])


@pytest.fixture(scope="module")
def example(local: LocalPlatform, root: str) -> Iterator[ExampleApp]:
    app = ExampleApp(local.url, admin_token=root, heartbeat_every=0.5, log=lambda _line: None).start()
    yield app
    app.stop(deregister=False)


@pytest.fixture(scope="module")
def admin(api: Api, root: str) -> str:
    return tenant_with_admin(api, root, TENANT)


@pytest.fixture(scope="module")
def member(api: Api, admin: str) -> str:
    assert api.register(f"member@{TENANT}.example", TENANT).status == 201
    return str(api.login(f"member@{TENANT}.example", PASSWORD, TENANT)["accessToken"])


@pytest.fixture(scope="module")
def other_admin(api: Api, root: str) -> str:
    return tenant_with_admin(api, root, OTHER)


def ok(reply: Reply, status: int = 200) -> Any:
    assert reply.status == status, reply.body
    return reply.body["data"] if reply.body else None


def code(reply: Reply) -> str:
    return str(reply.body["error"]["code"])


def registration(name: str, base_url: str = "http://127.0.0.1:9", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "displayName": name.title(),
        "version": "0.1.0",
        "baseUrl": base_url,
        "endpoints": [{"method": "GET", "path": "/hello"}],
        **extra,
    }


def enable(api: Api, token: str, tenant: str, name: str, enabled: bool = True) -> Reply:
    return api.call("PUT", f"/api/v1/tenants/{tenant}/services/{name}", {"enabled": enabled}, token=token)


# --- registry --------------------------------------------------------------------------------------------
def test_the_example_app_registers_and_heartbeats(api: Api, root: str, example: ExampleApp) -> None:
    service_id = example.registration["serviceId"]
    assert example.registration["registrationToken"].startswith("srt_")
    assert example.registration["webhookSecret"].startswith("whsec_")
    assert example.registration["clientId"]
    assert example.registration["clientSecret"]

    def heard() -> dict[str, Any] | None:
        found = ok(api.call("GET", f"/api/v1/registry/services/{service_id}", token=root))
        return found if found["lastHeartbeat"] else None

    found = eventually(heard, what="a heartbeat")
    assert found["active"] is True
    assert found["name"] == "example"
    assert "registrationToken" not in found
    assert "webhookSecret" not in found
    listed = ok(api.call("GET", "/api/v1/registry/services", token=root))
    assert service_id in {s["serviceId"] for s in listed}


def test_names_of_platform_services_and_taken_names_are_409(api: Api, root: str, example: ExampleApp) -> None:
    # GIVEN the platform's own services and a registered app  WHEN an app takes their names  THEN 409
    for name in ("tenants", "registry", "apps", "example"):
        reply = api.call("POST", "/api/v1/registry/services", registration(name), token=root)
        assert reply.status == 409, (name, reply.body)
    bad = api.call("POST", "/api/v1/registry/services", registration("Bad_Name"), token=root)
    assert bad.status == 400


def test_only_a_platform_admin_registers(api: Api, admin: str) -> None:
    reply = api.call("POST", "/api/v1/registry/services", registration("nope"), token=admin)
    assert reply.status == 403


def test_a_heartbeat_with_another_apps_token_is_401(api: Api, root: str, example: ExampleApp) -> None:
    # GIVEN a second app  WHEN it heartbeats naming the example app, or anyone sends a made-up token
    other = ok(api.call("POST", "/api/v1/registry/services", registration("other"), token=root), 201)
    spoofed = api.call(
        "POST",
        "/api/v1/registry/heartbeat",
        {"serviceId": example.registration["serviceId"]},
        token=other["registrationToken"],
    )
    made_up = api.call(
        "POST", "/api/v1/registry/heartbeat", {}, token=f"srt_{example.registration['serviceId']}.{'x' * 43}"
    )
    # THEN 401, and deregistering the example app with the other's token is 401 too
    assert (spoofed.status, code(spoofed)) == (401, "INVALID_TOKEN")
    assert (made_up.status, code(made_up)) == (401, "INVALID_TOKEN")
    steal = api.call(
        "POST",
        f"/api/v1/registry/services/{example.registration['serviceId']}/deregister",
        token=other["registrationToken"],
    )
    assert steal.status == 401
    own = api.call(
        "POST", "/api/v1/registry/heartbeat", {"version": "0.2.0"}, token=other["registrationToken"]
    )
    assert ok(own)["version"] == "0.2.0"


# --- enablement and routing ------------------------------------------------------------------------------
def test_a_tenant_that_has_not_enabled_the_app_is_403(api: Api, member: str, example: ExampleApp) -> None:
    reply = api.call("GET", "/api/v1/apps/example/hello", token=member)
    assert (reply.status, code(reply)) == (403, "FORBIDDEN")


def test_a_tenant_admin_enables_the_app_and_a_member_calls_it(
    api: Api, admin: str, member: str, example: ExampleApp
) -> None:
    assert enable(api, member, TENANT, "example").status == 403  # members may not
    enabled = ok(enable(api, admin, TENANT, "example"))
    assert enabled["enabled"] is True
    services = ok(api.call("GET", f"/api/v1/tenants/{TENANT}/services", token=member))
    assert {s["name"]: s["enabled"] for s in services}["example"] is True

    reply = api.call("GET", "/api/v1/apps/example/hello?x=1", token=member, X_Request_ID="req_apps_1")
    body = ok_raw(reply)
    assert body["tenantId"] == TENANT
    assert body["requestId"] == "req_apps_1"
    me = ok(api.call("GET", "/api/v1/users/me", token=member))
    assert body["subject"] == me["userId"]
    assert "user.read" in body["permissions"]
    assert body["userContext"]["tenantId"] == TENANT
    assert body["userContext"].get("sessionId") is None


def ok_raw(reply: Reply) -> Any:
    assert reply.status == 200, reply.body
    return reply.body


def test_an_app_never_gets_another_tenants_data_by_a_spoofed_header(
    api: Api, member: str, other_admin: str, example: ExampleApp
) -> None:
    # GIVEN a member of apps-acme  WHEN it sends X-Tenant-ID of another tenant  THEN refused
    spoofed = api.call("GET", "/api/v1/apps/example/hello", token=member, X_Tenant_ID=OTHER)
    assert spoofed.status == 403
    # and the other tenant, which has not enabled the app, cannot reach it with its own token either
    assert api.call("GET", "/api/v1/apps/example/hello", token=other_admin).status == 403


def test_public_endpoints_resolve_the_tenant_from_the_header(api: Api, example: ExampleApp) -> None:
    public = api.call("GET", "/api/v1/apps/example/status", X_Tenant_ID=TENANT)
    assert ok_raw(public) == {"status": "up", "app": "example", "tenantId": TENANT}
    assert api.call("GET", "/api/v1/apps/example/status", X_Tenant_ID=OTHER).status == 403  # not enabled
    assert api.call("GET", "/api/v1/apps/example/status").status == 400  # no tenant at all
    assert api.call("GET", "/api/v1/apps/example/hello", X_Tenant_ID=TENANT).status == 401  # not public
    assert api.call("GET", "/api/v1/apps/example/nothing", X_Tenant_ID=TENANT).status == 404
    assert api.call("GET", "/api/v1/apps/nobody/hello", X_Tenant_ID=TENANT).status == 404


def test_the_example_app_refuses_forged_and_expired_app_tokens(
    local: LocalPlatform, example: ExampleApp
) -> None:
    now = int(time.time())
    claims = {"sub": "u_x", "tenantId": TENANT, "typ": "app", "iss": "stratus", "aud": "example", "iat": now}
    forged = jwt.encode(
        claims | {"exp": now + 60},
        generate_private_key_pem(),
        algorithm="RS256",
        headers={"kid": "stratus-1"},
    )
    expired = jwt.encode(
        claims | {"iat": now - 600, "exp": now - 300},
        settings().jwt_private_key or "",
        algorithm="RS256",
        headers={"kid": settings().jwt_kid},
    )
    other_app = access_tokens.issue_app("other", "u_x", TENANT)
    for token in (forged, expired, other_app, "not-a-jwt"):
        reply = request(
            f"{example.url}/hello", headers={"Authorization": f"Bearer {token}", "X-Tenant-ID": TENANT}
        )
        assert reply.status == 401, token
    good = access_tokens.issue_app("example", "u_x", TENANT)
    assert (
        request(
            f"{example.url}/status", headers={"Authorization": f"Bearer {good}", "X-Tenant-ID": TENANT}
        ).status
        == 200
    )


# --- API keys --------------------------------------------------------------------------------------------
def test_api_keys_act_with_exactly_their_scopes_until_revoked(
    api: Api, admin: str, example: ExampleApp
) -> None:
    created = ok(
        api.call(
            "POST", "/api/v1/api-keys", {"name": "ci", "scopes": ["user.read", "apikey.manage"]}, token=admin
        ),
        201,
    )
    key = created["key"]
    assert key.startswith("stk_")
    assert created["prefix"] == key[:12]
    hello = ok_raw(api.call("GET", "/api/v1/apps/example/hello", X_API_Key=key))
    assert hello["subject"] == created["keyId"]
    assert hello["tenantId"] == TENANT
    assert sorted(hello["permissions"]) == ["apikey.manage", "user.read"]

    # GIVEN a key with apikey.manage  WHEN it creates a key with scopes it does not hold  THEN 403
    beyond = api.call("POST", "/api/v1/api-keys", {"name": "x", "scopes": ["file.delete"]}, X_API_Key=key)
    assert (beyond.status, code(beyond)) == (403, "INSUFFICIENT_PERMISSIONS")
    # a key without the endpoint's permission
    narrow = ok(
        api.call("POST", "/api/v1/api-keys", {"name": "n", "scopes": ["file.read"]}, token=admin), 201
    )
    refused = api.call("GET", "/api/v1/apps/example/hello", X_API_Key=narrow["key"])
    assert (refused.status, code(refused)) == (403, "PERMISSION_DENIED")
    # and on the platform's own routes: exactly its scopes
    assert api.call("GET", "/api/v1/users", X_API_Key=key).status == 200
    assert api.call("GET", "/api/v1/audit", X_API_Key=key).status == 403

    listed = ok(api.call("GET", "/api/v1/api-keys", token=admin))
    mine = next(k for k in listed if k["keyId"] == created["keyId"])
    assert "key" not in mine
    assert mine["lastUsedAt"] is not None

    # GIVEN a revoked key  WHEN it is used once more  THEN 401 INVALID_TOKEN
    assert api.call("DELETE", f"/api/v1/api-keys/{created['keyId']}", token=admin).status == 204
    again = api.call("GET", "/api/v1/apps/example/hello", X_API_Key=key)
    assert (again.status, code(again)) == (401, "INVALID_TOKEN")
    malformed = api.call("GET", "/api/v1/users", X_API_Key=key[:-1] + ("A" if key[-1] != "A" else "B"))
    assert (malformed.status, code(malformed)) == (401, "INVALID_TOKEN")
    expired = ok(
        api.call(
            "POST",
            "/api/v1/api-keys",
            {"name": "old", "scopes": ["user.read"], "expiresAt": "2020-01-01T00:00:00Z"},
            token=admin,
        ),
        201,
    )
    late = api.call("GET", "/api/v1/users", X_API_Key=expired["key"])
    assert (late.status, code(late)) == (401, "INVALID_TOKEN")


def test_audit_records_name_the_key_as_the_actor(api: Api, admin: str, example: ExampleApp) -> None:
    key = ok(
        api.call("POST", "/api/v1/api-keys", {"name": "ops", "scopes": ["tenant.write"]}, token=admin), 201
    )
    assert enable(api, "", TENANT, "other").status == 401
    reply = api.call(
        "PUT", f"/api/v1/tenants/{TENANT}/services/other", {"enabled": False}, X_API_Key=key["key"]
    )
    ok(reply)

    def recorded() -> list[dict[str, Any]] | None:
        records = ok(api.call("GET", "/api/v1/audit?type=tenant.service_disabled", token=admin))
        return [r for r in records if r["actorId"] == key["keyId"]] or None

    assert eventually(recorded, what="the audit record of the key's change")


def test_an_api_key_with_file_upload_requests_an_upload(api: Api, admin: str) -> None:
    # GIVEN a key scoped to file.upload and one that is not
    uploader = ok(
        api.call("POST", "/api/v1/api-keys", {"name": "up", "scopes": ["file.upload"]}, token=admin), 201
    )
    reader = ok(
        api.call("POST", "/api/v1/api-keys", {"name": "rd", "scopes": ["file.read"]}, token=admin), 201
    )
    body = {"fileName": "k.txt", "fileSize": 3, "contentType": "text/plain"}
    # WHEN each requests an upload
    granted = api.call("POST", "/api/v1/files/upload", body, X_API_Key=uploader["key"])
    refused = api.call("POST", "/api/v1/files/upload", body, X_API_Key=reader["key"])
    # THEN the key acts with exactly its scopes (it is no user rbac knows, never a 404 USER_NOT_FOUND)
    assert ok(granted, 201)["fileId"].startswith("f_")
    assert (refused.status, code(refused)) == (403, "PERMISSION_DENIED")


# --- webhooks --------------------------------------------------------------------------------------------
def test_events_reach_the_apps_webhook_signed(api: Api, root: str, example: ExampleApp, admin: str) -> None:
    def arrived() -> list[dict[str, Any]] | None:
        found = [
            r for r in example.received
            if r["event"]["type"] == "tenant.service_enabled" and r["event"]["tenantId"] == TENANT
        ]  # fmt: skip
        return found or None

    [delivered, *_] = eventually(arrived, what="the tenant.service_enabled webhook")
    assert delivered["headers"]["webhook-id"] == delivered["event"]["id"]
    assert delivered["headers"]["webhook-signature"].startswith("v1,")
    attempts = ok(
        api.call(
            "GET", f"/api/v1/registry/services/{example.registration['serviceId']}/deliveries", token=root
        )
    )
    assert any(a["eventId"] == delivered["event"]["id"] and a["status"] == "delivered" for a in attempts)
    # events of a tenant that did not enable the app never reach it
    assert all(r["event"]["tenantId"] == TENANT for r in example.received)


def test_a_failing_receiver_is_retried_then_dead_lettered_and_nothing_is_lost(
    api: Api, root: str, admin: str, example: ExampleApp
) -> None:
    # GIVEN the app's receiver answers 500
    example.webhook_status = 500
    event_id = ok(enable(api, admin, TENANT, "example"))  # a new tenant.service_enabled event
    assert event_id["enabled"] is True
    service_id = example.registration["serviceId"]

    def dead() -> list[dict[str, Any]] | None:
        attempts = ok(api.call("GET", f"/api/v1/registry/services/{service_id}/deliveries", token=root))
        return [a for a in attempts if a["status"] == "dead_lettered"] or None

    # THEN six attempts, the last dead-lettered, and the event waits in the registry's DLQ
    [last] = eventually(dead, timeout=60, what="the dead-lettered delivery")
    attempts = ok(api.call("GET", f"/api/v1/registry/services/{service_id}/deliveries", token=root))
    assert len([a for a in attempts if a["eventId"] == last["eventId"]]) == 6
    assert all(a["httpStatus"] == 500 for a in attempts if a["eventId"] == last["eventId"])

    def waiting() -> int | None:
        state = next(s for s in queues.states(registry()) if s.subscriber == "registry-subscriber")
        return state.dead or None

    eventually(waiting, timeout=30, what="the dead letter")
    # WHEN the receiver is fixed and the DLQ redriven  THEN the event arrives, once
    example.webhook_status = 204
    assert queues.redrive(registry(), "registry", log=lambda _line: None) >= 1
    eventually(
        lambda: [r for r in example.received if r["event"]["id"] == last["eventId"]] or None,
        timeout=30,
        what="the redriven webhook",
    )


def test_an_app_that_does_not_answer_in_time_is_504(api: Api, root: str, admin: str) -> None:
    class Slow(BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:
            return

        def do_GET(self) -> None:
            time.sleep(3)
            self.send_response(200)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        ok(api.call("POST", "/api/v1/registry/services", registration("slow", base), token=root), 201)
        ok(enable(api, admin, TENANT, "slow"))
        reply = api.call("GET", "/api/v1/apps/slow/hello", token=admin)
        assert (reply.status, code(reply), reply.body["error"]["retryable"]) == (504, "TIMEOUT", True)
    finally:
        server.shutdown()
        server.server_close()


# --- going away ------------------------------------------------------------------------------------------
def test_an_app_without_heartbeats_is_inactive_and_503_then_deregistered(
    api: Api, root: str, admin: str, example: ExampleApp
) -> None:
    service_id = example.registration["serviceId"]
    example.heartbeating.clear()
    time.sleep(HEARTBEAT_TTL + 1)
    reply = api.call("GET", "/api/v1/apps/example/hello", token=admin)
    assert (reply.status, code(reply), reply.body["error"]["retryable"]) == (503, "SERVICE_UNAVAILABLE", True)
    listed = ok(api.call("GET", "/api/v1/registry/services", token=root))
    assert service_id not in {s["serviceId"] for s in listed}
    everything = ok(api.call("GET", "/api/v1/registry/services?includeInactive=true", token=root))
    assert {s["serviceId"]: s["active"] for s in everything}[service_id] is False

    assert example.heartbeat() == 200  # back
    assert api.call("GET", "/api/v1/apps/example/hello", token=admin).status == 200

    token = example.registration["registrationToken"]
    gone = api.call("POST", f"/api/v1/registry/services/{service_id}/deregister", token=token)
    assert gone.status == 204
    after = api.call("GET", "/api/v1/apps/example/hello", token=admin)
    assert (after.status, code(after)) == (503, "SERVICE_UNAVAILABLE")
    assert example.heartbeat() == 401
    assert (
        ok(api.call("GET", f"/api/v1/registry/services/{service_id}", token=root))["status"] == "deregistered"
    )
    json.dumps(everything)  # (the listing serializes: nothing but JSON types)
