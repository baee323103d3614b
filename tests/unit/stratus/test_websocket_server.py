"""The local WebSocket server's pieces that need no socket: the management stand-in's answers and the
events it hands the functions (the sockets themselves: tests/e2e/test_realtime.py)."""

from __future__ import annotations

import io
from typing import Any

from functions.catalog import registry
from stratus.websocket import LocalWebSockets, _Connection, _event


def call(app: Any, method: str, path: str, remote: str = "127.0.0.1") -> tuple[str, dict[str, str]]:
    answered: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answered["status"], answered["headers"] = status, dict(headers)

    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "REMOTE_ADDR": remote, "wsgi.input": io.BytesIO()}
    b"".join(app(environ, start_response))
    return answered["status"], answered["headers"]


def never(_environ: Any, _start: Any) -> list[bytes]:
    raise AssertionError("the gateway's app must not see the stand-in's requests")


def test_the_stand_in_answers_gone_for_an_unknown_connection_as_api_gateway_does() -> None:
    app = LocalWebSockets(registry()).wrap(never)
    status, headers = call(app, "POST", "/_realtime/@connections/nope=")
    assert status.startswith("410")
    assert headers["x-amzn-ErrorType"] == "GoneException"  # what boto3 raises as GoneException
    assert call(app, "DELETE", "/_realtime/@connections/nope=")[0].startswith("410")


def test_the_stand_in_answers_loopback_callers_only() -> None:
    app = LocalWebSockets(registry()).wrap(never)
    assert call(app, "POST", "/_realtime/@connections/x=", remote="203.0.113.5")[0].startswith("403")


def test_without_websocket_functions_everything_goes_to_the_gateway() -> None:
    from shared.registry import Registry

    seen: list[str] = []

    def gateway(environ: Any, start: Any) -> list[bytes]:
        seen.append(environ["PATH_INFO"])
        start("404 Not Found", [])
        return [b""]

    app = LocalWebSockets(Registry(())).wrap(gateway)
    call(app, "POST", "/_realtime/@connections/x=")
    assert seen == ["/_realtime/@connections/x="]


def test_the_functions_get_api_gateways_websocket_event() -> None:
    conn = _Connection("abc=", sock=None, protocol=None, source_ip="127.0.0.1", user_agent="ua")  # type: ignore[arg-type]
    message = _event(
        "$default", conn, body='{"type":"ping"}', binary=False, headers=None, query=None, disconnect=None
    )
    context = message["requestContext"]
    assert (context["routeKey"], context["eventType"], context["connectionId"]) == (
        "$default",
        "MESSAGE",
        "abc=",
    )
    assert context["identity"] == {"sourceIp": "127.0.0.1", "userAgent": "ua"}
    assert (message["body"], message["isBase64Encoded"]) == ('{"type":"ping"}', False)
    gone = _event(
        "$disconnect", conn, body=None, binary=False, headers=None, query=None, disconnect=(1006, "")
    )
    assert (gone["requestContext"]["eventType"], gone["requestContext"]["disconnectStatusCode"]) == (
        "DISCONNECT",
        1006,
    )
    assert "body" not in gone
