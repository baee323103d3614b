"""The local servers keep a client's connection open between requests, and a body the app did not read
never leaks into the next request on that connection; a client asking to close still gets it closed."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from stratus.keepalive import BotocoreKeepAliveRequestHandler, KeepAliveRequestHandler

pytestmark = pytest.mark.integration


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    # Reads the body only on /read: /ignore leaves it for the server to drain.
    body = environ["wsgi.input"].read() if environ["PATH_INFO"] == "/read" else b""
    answer = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']} {len(body)}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(answer)))])
    return [answer]


@pytest.fixture
def server() -> Iterator[int]:
    running = make_server("127.0.0.1", 0, app, threaded=True, request_handler=KeepAliveRequestHandler)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running.server_port
    running.shutdown()
    running.server_close()


def test_one_connection_serves_many_requests_and_unread_bodies_are_drained(server: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=5)
    answers = []
    for method, path, body in [
        ("POST", "/ignore", b"x" * 5000),
        ("GET", "/a", None),
        ("POST", "/read", b"hello"),
        ("GET", "/b", None),
    ]:
        connection.request(method, path, body=body)
        reply = connection.getresponse()
        answers.append(reply.read().decode())
        assert reply.getheader("Connection") != "close"
    assert answers == ["POST /ignore 0", "GET /a 0", "POST /read 5", "GET /b 0"]
    first_socket = connection.sock
    connection.request("GET", "/c")
    connection.getresponse().read()
    assert connection.sock is first_socket  # the same connection throughout


def test_a_client_that_asks_to_close_gets_its_connection_closed(server: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=5)
    connection.request("GET", "/a", headers={"Connection": "close"})
    reply = connection.getresponse()
    assert reply.read() == b"GET /a 0"
    assert reply.getheader("Connection") == "close"


@pytest.fixture
def emulator_like() -> Iterator[int]:
    running = make_server("127.0.0.1", 0, app, threaded=True, request_handler=BotocoreKeepAliveRequestHandler)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running.server_port
    running.shutdown()
    running.server_close()


@pytest.mark.parametrize(
    ("agent", "kept"),
    [
        ("Boto3/1.44.8 md/Botocore#1.44.8 ua/2.1 os/linux lang/python#3.11.7", True),
        ("Botocore/1.44.8 ua/2.1 os/linux lang/python#3.11.7", True),
        ("APN/1.0 HashiCorp/1.0 Terraform/1.9.8 terraform-provider-aws/5.80.0 aws-sdk-go-v2/1.32.6", False),
        (None, False),
    ],
)
def test_the_emulator_keeps_only_botocore_s_connections(
    emulator_like: int, agent: str | None, kept: bool
) -> None:
    # GIVEN the embedded emulator's request handler, and a client with this User-Agent (or none)
    connection = http.client.HTTPConnection("127.0.0.1", emulator_like, timeout=5)
    headers = {"User-Agent": agent} if agent else {}
    # WHEN it sends a request with a body, then another one on the same connection object
    connection.request("POST", "/read", body=b"hello", headers=headers)
    reply = connection.getresponse()
    assert reply.read() == b"POST /read 5"
    first_socket = connection.sock  # http.client lets go of it when the server says it closes
    # THEN botocore's connection stays open for the next request; any other client's is closed
    assert (reply.getheader("Connection") != "close") is kept
    assert (first_socket is not None) is kept
    connection.request("GET", "/a", headers=headers)
    assert connection.getresponse().read() == b"GET /a 0"  # (a new connection when it was closed)
    if kept:
        assert connection.sock is first_socket
