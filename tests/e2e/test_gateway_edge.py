"""Bad input at the edge, over real HTTP through the local gateway: always seed 000's envelope with the
right status, never a 500 for a client's mistake."""

from __future__ import annotations

import json
import socket

import pytest

from shared.config import settings
from stratus.local import LocalPlatform
from tests.e2e.conftest import request

pytestmark = pytest.mark.e2e
JSON = {"Content-Type": "application/json"}


def test_valid_input_gets_the_success_envelope_and_the_request_id_back(local: LocalPlatform) -> None:
    reply = request(
        f"{local.url}/api/v1/echo/items",
        "POST",
        b'{"name":"w","size":1}',
        {**JSON, "X-Request-ID": "req_e2e"},
    )
    assert reply.status == 201
    assert reply.body["data"]["itemId"] == "i_w"
    assert reply.headers["X-Request-ID"] == "req_e2e"
    assert reply.body["meta"]["requestId"] == "req_e2e"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"name": "w", "size": ', "body"),
        (b'{"name": "w", "size": "one"}', "size"),
        (b'{"size": 1}', "name"),
    ],
    ids=["malformed", "wrong type", "missing"],
)
def test_bad_bodies_are_400_invalid_request(local: LocalPlatform, body: bytes, field: str) -> None:
    reply = request(f"{local.url}/api/v1/echo/items", "POST", body, JSON)
    assert reply.status == 400
    assert reply.body["success"] is False
    assert reply.body["error"]["code"] == "INVALID_REQUEST"
    assert reply.body["error"]["field"] == field
    assert reply.body["error"]["requestId"] == reply.headers["X-Request-ID"]


def test_an_oversized_body_is_413(local: LocalPlatform) -> None:
    big = json.dumps({"name": "w", "size": 1, "pad": "x" * (settings().max_body_bytes + 1)}).encode()
    reply = request(f"{local.url}/api/v1/echo/items", "POST", big, JSON)
    assert reply.status == 413
    assert reply.body["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_lying_content_length_is_refused_before_the_body_is_read(local: LocalPlatform) -> None:
    with socket.create_connection((local.host, local.port), timeout=5) as sock:
        sock.sendall(
            b"POST /api/v1/echo/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 999999999\r\n\r\n{}"
        )
        head = sock.recv(4096).decode()
    assert head.startswith("HTTP/1.1 413")


def test_a_wrong_method_is_405_with_allow(local: LocalPlatform) -> None:
    reply = request(f"{local.url}/api/v1/echo/items", "DELETE")
    assert (reply.status, reply.body["error"]["code"]) == (405, "METHOD_NOT_ALLOWED")
    assert reply.headers["Allow"] == "GET, POST"


def test_a_browser_app_on_another_localhost_port_passes_the_cors_preflight(local: LocalPlatform) -> None:
    headers = {"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"}
    reply = request(f"{local.url}/api/v1/auth/login", "OPTIONS", headers=headers)
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/v1/nothing"), ("GET", "/")])
def test_unknown_routes_are_404_envelopes(local: LocalPlatform, method: str, path: str) -> None:
    reply = request(f"{local.url}{path}", method)
    assert reply.status == 404
    assert reply.body["error"]["code"] == "NOT_FOUND"
    assert reply.body["error"]["service"] == "gateway"


def test_a_bug_is_a_500_envelope_without_internals(local: LocalPlatform) -> None:
    reply = request(f"{local.url}/api/v1/echo/boom")
    assert reply.status == 500
    assert reply.body["error"]["code"] == "INTERNAL_ERROR"
    assert "passwd" not in json.dumps(reply.body)


def test_protected_routes_are_closed_until_an_authorizer_is_declared(local: LocalPlatform) -> None:
    reply = request(f"{local.url}/api/v1/echo/me", headers={"Authorization": "Bearer anything"})
    assert reply.status == 401
    assert reply.body["error"]["code"] == "INVALID_TOKEN"


def test_internal_routes_need_a_service_token_even_through_the_gateway(local: LocalPlatform) -> None:
    reply = request(f"{local.url}/internal/echo/i_1/touch", "POST", b"{}", JSON)
    assert reply.status == 401


def test_a_downward_call_carries_the_request_id_and_a_service_token(local: LocalPlatform) -> None:
    # GIVEN a public route of an application-layer service that calls echo's internal endpoint
    reply = request(f"{local.url}/api/v1/relay/i_7", "POST", b"", {"X-Request-ID": "req_chain"})
    # THEN the callee saw the caller by its token and the same request id
    assert reply.status == 200
    assert reply.body["data"] == {
        "itemId": "i_7",
        "caller": "relay",
        "requestId": "req_chain",
        "correlationId": "req_chain",
        "userId": None,
        "tenantId": None,
    }


def test_health_over_http(local: LocalPlatform) -> None:
    reply = request(f"{local.url}/internal/health")
    assert reply.status == 200
    assert reply.body["data"]["status"] == "healthy"
