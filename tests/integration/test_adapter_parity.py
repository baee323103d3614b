"""The same route answers identically through the Lambda adapter, the WSGI app, serverless-wsgi on Lambda,
and functions-framework (HTTP and CloudEvent targets)."""

from __future__ import annotations

import base64
import json
from typing import Any

import functions_framework
import pytest
import serverless_wsgi
from cloudevents.http import CloudEvent
from werkzeug.test import Client

from shared.adapters.gateway import Gateway
from shared.adapters.lambda_events import LocalContext, http_event
from shared.adapters.wsgi import WsgiApp
from shared.events import catalog
from shared.events.model import ServiceEvent
from shared.registry import Registry
from stratus.provision import Provisioned
from tests.fixtures.echo import subscriber as echo

pytestmark = pytest.mark.integration

CASES = [
    ("POST", "/api/v1/echo/items", b'{"name": "widget", "size": 3}'),
    ("POST", "/api/v1/echo/items", b'{"name": "widget", "size": "big"}'),
    ("POST", "/api/v1/echo/items", b"{not json"),
    ("GET", "/api/v1/echo/items?pageSize=2", None),
    ("GET", "/api/v1/echo/boom", None),
    ("GET", "/api/v1/echo/me", None),
    ("GET", "/internal/health", None),
    ("POST", "/internal/echo/i_1/touch", b"{}"),
]
HEADERS = {"Content-Type": "application/json", "X-Request-ID": "req_parity"}


def comparable(status: int, raw: bytes) -> tuple[int, Any]:
    """Status and body without what differs per call by nature (timing)."""
    body = json.loads(raw)
    body.get("meta", {}).pop("timestamp", None)
    body.get("meta", {}).pop("duration", None)
    body.get("error", {}).pop("timestamp", None)
    for check in (
        body.get("data", {}).get("checks", {}).values() if isinstance(body.get("data"), dict) else []
    ):
        check.pop("latencyMs", None)
    return status, body


def via_lambda(registry: Registry, method: str, url: str, body: bytes | None) -> tuple[int, Any]:
    path, _, query = url.partition("?")
    match = registry.match(method, path)
    assert match is not None
    event = http_event(
        method,
        path,
        route=match.function.route,
        path_params=match.path_params,
        headers=HEADERS,
        query=dict(p.split("=") for p in query.split("&")) if query else None,
        body=body,
    )
    if match.function.route.auth == "user":  # what API Gateway does when no authorizer lets it through
        return comparable(401, json.dumps(_gateway_refusal()).encode())
    result = registry.handler(match.function)(event, LocalContext.for_function(match.function))
    return comparable(result["statusCode"], result["body"].encode())


def _gateway_refusal() -> Any:
    _, body = via_wsgi_client(Client(WsgiApp(Gateway(Registry([])))), "GET", "/api/v1/echo/me", None)
    return body


def via_wsgi_client(client: Client, method: str, url: str, body: bytes | None) -> tuple[int, Any]:
    response = client.open(url, method=method, data=body, headers=HEADERS)
    return comparable(response.status_code, response.data)


def via_serverless_wsgi(registry: Registry, method: str, url: str, body: bytes | None) -> tuple[int, Any]:
    path, _, query = url.partition("?")
    event = http_event(method, path, headers=HEADERS, body=body)
    event["rawQueryString"] = query
    result = serverless_wsgi.handle_request(WsgiApp(Gateway(registry)), event, LocalContext("monolith"))
    raw = base64.b64decode(result["body"]) if result.get("isBase64Encoded") else result["body"].encode()
    return comparable(result["statusCode"], raw)


@pytest.mark.parametrize(("method", "url", "body"), CASES, ids=[f"{m} {u} {b!r}"[:60] for m, u, b in CASES])
def test_every_runtime_answers_the_same(
    platform: Provisioned, registry: Registry, method: str, url: str, body: bytes | None
) -> None:
    wsgi = via_wsgi_client(Client(WsgiApp(Gateway(registry))), method, url, body)
    gcf_app = functions_framework.create_app(target="api", source="tests/fixtures/gcf_main.py")
    gcf = via_wsgi_client(gcf_app.test_client(), method, url, body)
    monolith = via_serverless_wsgi(registry, method, url, body)
    if method == "POST" and url.startswith("/internal/"):
        # No service token: every runtime must refuse alike.
        assert wsgi[0] == 401
    assert gcf == wsgi
    assert monolith == wsgi
    if not url.startswith("/api/v1/echo/me"):
        assert via_lambda(registry, method, url, body) == wsgi


def test_a_cloudevent_reaches_the_subscriber_as_the_same_event(platform: Provisioned) -> None:
    echo.seen.clear()
    echo.subscriber.__dict__.pop("_once", None)
    event = ServiceEvent(
        type="user.created", source="users", tenant_id="acme-corp", data=catalog.sample("user.created")
    )
    cloud = event.to_cloudevent()
    data = cloud.pop("data")
    app = functions_framework.create_app(
        target="echo_events", source="tests/fixtures/gcf_main.py", signature_type="cloudevent"
    )
    client = app.test_client()
    from cloudevents.conversion import to_structured

    headers, body = to_structured(CloudEvent(cloud, data))
    assert client.post("/", headers=headers, data=body).status_code == 200
    assert client.post("/", headers=headers, data=body).status_code == 200  # redelivered
    assert [e.id for e in echo.seen] == [event.id]
    assert echo.seen[0] == event


@pytest.mark.parametrize("source", ["functions/gcf.py", "main.py"])
def test_the_platforms_own_functions_framework_targets_serve_the_catalog(source: str) -> None:
    client = functions_framework.create_app(target="api", source=source).test_client()
    document = client.get("/.well-known/openapi.json")
    assert document.status_code == 200
    assert "/internal/health" in document.get_json()["paths"]
    missing = client.get("/api/v1/nothing")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "NOT_FOUND"
