"""`/api/v1/apps/{name}/{proxy+}` under moto, with the app's HTTP side faked: who gets through, what the app
receives (the verified tenant, never the client's; the app token, never the client's credential), and
what the client gets back when the app is slow, down or inactive."""

from __future__ import annotations

import io
import json
import time
import urllib.error
from email.message import Message
from typing import Any

import pytest

from functions.registry import forwarding, proxy, register, tenant_services_put
from shared import access_tokens
from shared.adapters.lambda_events import LocalContext, http_event
from shared.context import UserContext
from tests.kit import call, error_code, user
from tests.unit.functions.registry.conftest import ACME_ADMIN, MEMBER, ROOT


class FakeApp:
    """The app's side of urllib: records each request, answers `status` with `body` (or raises)."""

    def __init__(self) -> None:
        self.requests: list[Any] = []
        self.status, self.body, self.raises = 200, b'{"ok":true}', None

    def open(self, request: Any, timeout: float) -> Any:
        self.requests.append(request)
        if self.raises is not None:
            raise self.raises
        headers = Message()
        headers["Content-Type"] = "application/json"
        headers["Set-Cookie"] = "secret=1"
        if self.status >= 400:
            raise urllib.error.HTTPError(request.full_url, self.status, "x", headers, io.BytesIO(self.body))
        answer = io.BytesIO(self.body)
        answer.status = self.status  # type: ignore[attr-defined]
        answer.headers = headers  # type: ignore[attr-defined]
        return answer

    def header(self, name: str) -> str | None:
        return {k.lower(): v for k, v in self.requests[-1].header_items()}.get(name.lower())


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> FakeApp:
    fake = FakeApp()
    monkeypatch.setattr(forwarding, "_opener", fake)
    endpoints = [
        {"method": "GET", "path": "/contacts/{id}", "requiredPermission": "crm.read"},
        {"method": "POST", "path": "/contacts"},
        {"method": "GET", "path": "/status", "public": True},
        {"method": "ANY", "path": "/files/{rest+}"},
    ]
    body = {
        "name": "crm",
        "displayName": "CRM",
        "version": "1",
        "baseUrl": "https://crm.example.com/v1",
        "endpoints": endpoints,
    }
    assert call(register, body=body, caller=ROOT)[0] == 201
    return fake


def enable(tenant: str = "acme") -> None:
    status, _ = call(
        tenant_services_put, params={"tenantId": tenant, "name": "crm"}, body={"enabled": True}, caller=ROOT
    )
    assert status == 200


def through(
    method: str,
    path: str,
    caller: UserContext | None = None,
    headers: dict[str, str] | None = None,
    body: Any = None,
    refusal: str | None = None,
) -> tuple[int, Any]:
    """A request to the proxy as the gateway hands it over (the authorizer's user, or its refusal)."""
    path, _, query = path.partition("?")
    name, _, rest = path.partition("/")
    authorizer: dict[str, Any] | None = None
    if caller is not None:
        authorizer = {"userContext": caller.to_header()}
    elif refusal is not None:
        authorizer = {"errorCode": refusal, "errorMessage": "refused"}
    event = http_event(
        method,
        f"/api/v1/apps/{path}",
        route=proxy.app.declared,
        path_params={"name": name, "proxy": rest},
        headers={"content-type": "application/json", **(headers or {})},
        query=dict(pair.split("=", 1) for pair in query.split("&")) if query else None,
        body=None if body is None else json.dumps(body),
        authorizer=authorizer,
    )
    result = proxy.handler(event, LocalContext("registry-proxy"))
    raw = result.get("body") or ""
    try:
        return int(result["statusCode"]), json.loads(raw) if raw else None
    except ValueError:
        return int(result["statusCode"]), raw


CRM_READER = user("u_reader", tenant="acme", permissions=("crm.read",), roles=("crm",))


def test_a_tenant_that_has_not_enabled_the_app_is_403(app: FakeApp) -> None:
    # GIVEN an app acme has not enabled  WHEN its admin calls it  THEN 403 FORBIDDEN, nothing forwarded
    status, body = through("GET", "crm/contacts/1", ACME_ADMIN)
    assert (status, error_code(body)) == (403, "FORBIDDEN")
    assert app.requests == []


def test_the_endpoints_permission_is_checked(app: FakeApp) -> None:
    enable()
    status, body = through("GET", "crm/contacts/1", MEMBER)
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")
    assert through("GET", "crm/contacts/1", CRM_READER) == (200, {"ok": True})


def test_the_app_gets_the_verified_caller_and_an_app_token_never_the_clients_credential(app: FakeApp) -> None:
    enable()
    headers = {"authorization": "Bearer the-users-own-token", "cookie": "s=1", "x-request-id": "req_1"}
    status, _ = through("GET", "crm/contacts/42?x=1", CRM_READER, headers=headers)
    assert status == 200
    request = app.requests[-1]
    assert request.full_url == "https://crm.example.com/v1/contacts/42?x=1"
    assert app.header("x-tenant-id") == "acme"
    assert app.header("x-request-id") == "req_1"
    assert app.header("cookie") is None
    token = (app.header("authorization") or "").removeprefix("Bearer ")
    assert token != "the-users-own-token"
    claims = access_tokens.verify_app(token, "crm", access_tokens.jwks())
    assert (claims.sub, claims.tenant_id, claims.permissions) == ("u_reader", "acme", ("crm.read",))
    with pytest.raises(access_tokens.InvalidToken):
        access_tokens.verify(token)  # an app token is never an access token
    with pytest.raises(access_tokens.InvalidToken):
        access_tokens.verify_app(token, "erp")  # nor another app's
    forwarded = UserContext.from_header(app.header("x-user-context") or "")
    assert forwarded.user_id == "u_reader"
    assert forwarded.session_id is None


def test_a_spoofed_tenant_header_never_reaches_the_app(app: FakeApp) -> None:
    # GIVEN an authenticated caller of acme  WHEN it sends X-Tenant-ID: globex  THEN refused, not forwarded
    enable()
    enable("globex")
    status, _ = through("GET", "crm/contacts/1", CRM_READER, headers={"x-tenant-id": "globex"})
    assert status == 403
    assert app.requests == []


def test_public_endpoints_take_the_tenant_from_the_header_or_the_host(app: FakeApp) -> None:
    enable()
    assert through("GET", "crm/status", headers={"x-tenant-id": "acme"})[0] == 200
    assert app.header("x-tenant-id") == "acme"
    assert app.header("x-user-context") is None
    assert through("GET", "crm/status", headers={"host": "acme.stratus.example"})[0] == 200
    assert through("GET", "crm/status", headers={"host": "globex.stratus.example"})[0] == 403
    assert through("GET", "crm/status", headers={"host": "127.0.0.1:3000"})[0] == 400
    # a non-public endpoint without a credential, or with one the authorizer refused, is 401
    assert through("GET", "crm/contacts/1", headers={"x-tenant-id": "acme"})[0] == 401
    refused = through("GET", "crm/status", headers={"authorization": "Bearer bad"}, refusal="INVALID_TOKEN")
    assert refused[0] == 401
    assert through("GET", "crm/status", refusal="TENANT_SUSPENDED")[0] == 403


def test_greedy_endpoints_and_unknown_ones(app: FakeApp) -> None:
    enable()
    assert through("DELETE", "crm/files/a/b/c.txt", ACME_ADMIN)[0] == 200
    assert app.requests[-1].full_url == "https://crm.example.com/v1/files/a/b/c.txt"
    assert app.requests[-1].get_method() == "DELETE"
    assert through("GET", "crm/nothing", ACME_ADMIN)[0] == 404
    assert through("GET", "nobody/x", ACME_ADMIN)[0] == 404
    assert through("GET", "Bad_Name/x", ACME_ADMIN)[0] == 404


def test_the_apps_answer_comes_back_as_it_is(app: FakeApp) -> None:
    enable()
    app.status, app.body = 422, b'{"problem":"no"}'
    status, body = through("POST", "crm/contacts", ACME_ADMIN, body={"name": "x"})
    assert (status, body) == (422, {"problem": "no"})
    assert app.requests[-1].data == b'{"name": "x"}'


def test_slow_unreachable_and_inactive_apps(app: FakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    enable()
    app.raises = TimeoutError("timed out")
    status, body = through("GET", "crm/contacts/1", CRM_READER)
    assert (status, error_code(body), body["error"]["retryable"]) == (504, "TIMEOUT", True)
    app.raises = urllib.error.URLError(ConnectionRefusedError(111, "refused"))
    status, body = through("GET", "crm/contacts/1", CRM_READER)
    assert (status, error_code(body)) == (503, "SERVICE_UNAVAILABLE")
    app.raises = None
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    status, body = through("GET", "crm/contacts/1", CRM_READER)
    assert (status, error_code(body), body["error"]["retryable"]) == (503, "SERVICE_UNAVAILABLE", True)
