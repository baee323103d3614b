"""The WebSocket API of `stratus dev`, on the gateway's own port: `GET /ws` upgrades, and each connection
runs the SAME functions API Gateway would run — the declared `WebSocket("$connect" | "$default" |
"$disconnect")` functions — with API Gateway-shaped WebSocket events (`requestContext.routeKey`,
`connectionId`, `body`, ...).

Beside it, a faithful stand-in for the API's management endpoint (`/_realtime/@connections/{id}`): the
same REST shape as `https://<api>.execute-api.<region>.amazonaws.com/<stage>/@connections/{id}`, so the
functions' boto3 `apigatewaymanagementapi` client talks to it unchanged — POST delivers a frame (410
GoneException for a connection that is not open), DELETE closes (with the code in `X-Stratus-Close-Code`,
which API Gateway cannot do and ignores), GET describes. moto's own `apigatewaymanagementapi` accepts any
connection id and delivers nothing, which is why this exists. It answers loopback callers only.

What API Gateway does and this does too: frames over 32 KB (or messages over 128 KB) close the connection
with 1009; a connection idle for 10 minutes is closed (1001); $disconnect runs once whoever closes. What
API Gateway cannot do and this adds: a connection that has not authenticated within the auth timeout
(`STRATUS_WS_AUTH_TIMEOUT`, 10 s) is closed at once with `auth_error` and 4401 — on AWS the `$default`
function refuses its next message after the deadline (docs/realtime.md).

The protocol is the `websockets` library's sans-I/O `ServerProtocol`; each connection lives on the thread
werkzeug gave its HTTP request, so the handlers run exactly as they do for HTTP routes.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.protocol import State
from websockets.server import ServerProtocol

from shared.adapters.gateway import is_loopback
from shared.adapters.lambda_events import LocalContext
from shared.config import settings
from shared.declarations import Function, WebSocket
from shared.registry import Registry

PATH = "/ws"
MANAGEMENT_PREFIX = "/_realtime"
CLOSE_CODE_HEADER = "HTTP_X_STRATUS_CLOSE_CODE"
MAX_FRAME_BYTES = 32 * 1024  # API Gateway's frame limit
MAX_MESSAGE_BYTES = 128 * 1024  # and its message limit
IDLE_SECONDS = 600.0  # API Gateway's idle timeout
CLOSE_WAIT_SECONDS = 2.0  # how long a closing handshake may take before the socket is dropped
UNAUTHORIZED_CLOSE = 4401
FUNCTION_WORKERS = 16

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Log = Callable[[str], None]


class _Ended(ConnectionAbortedError):
    """Raised to werkzeug once a WebSocket is over: the request 'dropped', nothing more to write."""


@dataclass
class _Connection:
    connection_id: str
    sock: socket.socket
    protocol: ServerProtocol
    source_ip: str
    user_agent: str
    connected_at: float = field(default_factory=time.time)
    last_active: float = field(default_factory=time.time)
    deadline: float = 0.0
    authenticated: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send_text(self, data: bytes) -> bool:
        """Deliver one message (a frame); False when the connection is not open any more."""
        with self.lock:
            if self.protocol.state is not State.OPEN:
                return False
            if not self.authenticated and b'"auth_success"' in data and _type_of(data) == "auth_success":
                self.authenticated = True  # the auth timeout stops here
            self.protocol.send_text(data)
            return self._flush()

    def close(self, code: int, reason: str = "") -> bool:
        with self.lock:
            if self.protocol.state is not State.OPEN:
                return False
            self.protocol.send_close(code, reason)
            return self._flush()

    def _flush(self) -> bool:
        try:
            for chunk in self.protocol.data_to_send():
                if chunk:
                    self.sock.sendall(chunk)
                else:  # the protocol says: end of our side
                    self.sock.shutdown(socket.SHUT_WR)
            return True
        except OSError:
            return False


def _type_of(data: bytes) -> str | None:
    try:
        found = json.loads(data)
    except ValueError:
        return None
    return found.get("type") if isinstance(found, dict) else None


class LocalWebSockets:
    """Serves the registry's WebSocket functions at `GET /ws` and the management stand-in, in front of the
    gateway's WSGI app. Without declared WebSocket functions, it passes everything through."""

    def __init__(self, registry: Registry, *, log: Log = print) -> None:
        self.registry = registry
        self.log = log
        self.routes: dict[str, Function] = {
            fn.trigger.route: fn for fn in registry.functions.values() if isinstance(fn.trigger, WebSocket)
        }
        self._connections: dict[str, _Connection] = {}
        self._lock = threading.Lock()
        # The functions run on a few workers, not on each connection's thread: a connection thread only
        # reads frames (a shallow stack), so a thousand idle connections cost little memory.
        self._workers = ThreadPoolExecutor(max_workers=FUNCTION_WORKERS, thread_name_prefix="ws-function")

    @property
    def enabled(self) -> bool:
        return "$default" in self.routes

    def wrap(self, app: WsgiApp) -> WsgiApp:
        def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            path = environ.get("PATH_INFO", "")
            if self.enabled and path == PATH and _wants_upgrade(environ):
                return self._serve(environ, start_response)
            if self.enabled and path.startswith(f"{MANAGEMENT_PREFIX}/@connections/"):
                return self._manage(environ, start_response, path)
            return app(environ, start_response)

        return middleware

    def use_endpoint(self, base_url: str) -> None:
        """Point the functions' management client at this stand-in (`STRATUS_WS_ENDPOINT`)."""
        os.environ["STRATUS_WS_ENDPOINT"] = base_url.rstrip("/") + MANAGEMENT_PREFIX
        settings.cache_clear()

    def open_connections(self) -> int:
        with self._lock:
            return len(self._connections)

    def stop(self) -> None:
        """Close every connection (1001 going away), as a deploy would."""
        with self._lock:
            connections = list(self._connections.values())
        for conn in connections:
            conn.close(1001, "server stopping")
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + CLOSE_WAIT_SECONDS  # their $disconnect runs while the emulator is up
        while self.open_connections() and time.monotonic() < deadline:
            time.sleep(0.02)

    # --- one connection's life ---------------------------------------------------------------------------
    def _serve(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        # werkzeug has read the request already: it is handed to the protocol again, so that the sans-I/O
        # parser moves on to frames exactly as if it had read it from the socket itself.
        protocol = ServerProtocol(max_size=(MAX_MESSAGE_BYTES, MAX_FRAME_BYTES))
        protocol.receive_data(_raw_request(environ))
        request = next((e for e in protocol.events_received() if isinstance(e, Request)), None)
        if request is None:
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"not a WebSocket handshake"]
        headers = request.headers
        response = protocol.accept(request)
        if response.status_code != 101:
            start_response(
                f"{response.status_code} {response.reason_phrase}", [("Content-Type", "text/plain")]
            )
            return [bytes(response.body or b"")]
        connection_id = base64.b64encode(secrets.token_bytes(12)).decode()  # API Gateway's shape
        conn = _Connection(
            connection_id=connection_id,
            sock=environ["werkzeug.socket"],
            protocol=protocol,
            source_ip=environ.get("REMOTE_ADDR", ""),
            user_agent=environ.get("HTTP_USER_AGENT", ""),
            deadline=time.monotonic() + settings().ws_auth_timeout_seconds,
        )
        connect = self._invoke(
            "$connect", conn, headers=dict(headers.raw_items()), query=_query(environ.get("QUERY_STRING", ""))
        )
        status = int(connect.get("statusCode", 500)) if connect else 500
        if status != 200:  # API Gateway refuses the handshake with the function's status
            start_response(f"{status} Refused", [("Content-Type", "text/plain")])
            return [b"connection refused"]
        protocol.send_response(response)
        with self._lock:
            self._connections[connection_id] = conn
        try:
            conn._flush()
            self._run(conn)
        finally:
            with self._lock:
                self._connections.pop(connection_id, None)
            code = protocol.close_rcvd.code if protocol.close_rcvd else 1006
            self._invoke("$disconnect", conn, disconnect=(code, protocol.close_reason or ""))
            with contextlib.suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
        raise _Ended("websocket closed")

    def _run(self, conn: _Connection) -> None:
        parts: list[bytes] = []
        kind: Opcode | None = None
        closing_since: float | None = None
        while conn.protocol.state is not State.CLOSED:
            now = time.monotonic()
            if conn.protocol.state is State.CLOSING:
                closing_since = closing_since or now
                wait = CLOSE_WAIT_SECONDS - (now - closing_since)
                if wait <= 0:
                    return
            elif not conn.authenticated:
                wait = conn.deadline - now
                if wait <= 0:
                    self._expire(conn)
                    continue
            else:
                wait = IDLE_SECONDS - (time.time() - conn.last_active)
                if wait <= 0:
                    conn.close(1001, "idle timeout")
                    continue
            conn.sock.settimeout(max(wait, 0.01))
            try:
                data = conn.sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            with conn.lock:
                if data:
                    conn.protocol.receive_data(data)
                else:
                    conn.protocol.receive_eof()
                frames = conn.protocol.events_received()
                conn._flush()  # pongs, the close handshake, a 1009 for an oversized frame
            conn.last_active = time.time()
            for frame in frames:
                assert isinstance(frame, Frame)
                if frame.opcode in (Opcode.TEXT, Opcode.BINARY):
                    kind, parts = frame.opcode, [bytes(frame.data)]
                elif frame.opcode is Opcode.CONT and kind is not None:
                    parts.append(bytes(frame.data))
                else:
                    continue
                if frame.fin and kind is not None:
                    self._message(conn, kind, b"".join(parts))
                    kind, parts = None, []
            if not data:
                return

    def _message(self, conn: _Connection, kind: Opcode, payload: bytes) -> None:
        if kind is Opcode.TEXT:
            self._invoke("$default", conn, body=payload.decode("utf-8", "replace"))
        else:  # API Gateway hands a binary frame over base64-encoded
            self._invoke("$default", conn, body=base64.b64encode(payload).decode(), binary=True)

    def _expire(self, conn: _Connection) -> None:
        """The auth timeout: what the $default function answers a late message with, but on time."""
        seconds = settings().ws_auth_timeout_seconds
        message = {
            "type": "auth_error",
            "code": "UNAUTHORIZED",
            "message": f"No auth message within {seconds:g} s",
        }
        conn.send_text(json.dumps(message).encode())
        conn.close(UNAUTHORIZED_CLOSE, "authentication timeout")

    def _invoke(
        self,
        route: str,
        conn: _Connection,
        *,
        body: str | None = None,
        binary: bool = False,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        disconnect: tuple[int, str] | None = None,
    ) -> dict[str, Any] | None:
        fn = self.routes.get(route)
        if fn is None:
            return {"statusCode": 200}
        event = _event(
            route, conn, body=body, binary=binary, headers=headers, query=query, disconnect=disconnect
        )
        # One message at a time per connection (this thread waits), as API Gateway hands them over in order.
        return self._workers.submit(self._call, fn, event).result()

    def _call(self, fn: Function, event: dict[str, Any]) -> dict[str, Any] | None:
        try:
            result = self.registry.handler(fn)(event, LocalContext.for_function(fn))
        except Exception as exc:  # a function that crashes is logged; the connection is not taken down
            self.log(f"! {fn.qualified_name} failed: {exc!r}")
            return None
        return result if isinstance(result, dict) else {"statusCode": 200}

    # --- the management API stand-in ----------------------------------------------------------------------
    def _manage(
        self, environ: dict[str, Any], start_response: Callable[..., Any], path: str
    ) -> Iterable[bytes]:
        if not is_loopback(environ.get("REMOTE_ADDR", "")):
            return _answer(start_response, 403, {"message": "Forbidden"}, "ForbiddenException")
        connection_id = path.rsplit("/@connections/", 1)[1]
        with self._lock:
            conn = self._connections.get(connection_id)
        method = environ.get("REQUEST_METHOD", "GET")
        if conn is None:
            return _answer(start_response, 410, {"message": "Gone"}, "GoneException")
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            data = environ["wsgi.input"].read(length) if length else b""
            if len(data) > MAX_MESSAGE_BYTES:
                return _answer(
                    start_response, 413, {"message": "Payload too large"}, "PayloadTooLargeException"
                )
            if not conn.send_text(data):
                return _answer(start_response, 410, {"message": "Gone"}, "GoneException")
            return _answer(start_response, 200, None)
        if method == "DELETE":
            code = int(environ.get(CLOSE_CODE_HEADER) or 1000)
            if not conn.close(code):
                return _answer(start_response, 410, {"message": "Gone"}, "GoneException")
            return _answer(start_response, 204, None)
        info = {
            "ConnectedAt": _iso(conn.connected_at),
            "LastActiveAt": _iso(conn.last_active),
            "Identity": {"SourceIp": conn.source_ip, "UserAgent": conn.user_agent},
        }
        return _answer(start_response, 200, info)


def _answer(
    start_response: Callable[..., Any], status: int, body: Any, error_type: str | None = None
) -> Iterable[bytes]:
    raw = b"" if body is None else json.dumps(body).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(raw)))]
    if error_type:
        headers.append(("x-amzn-ErrorType", error_type))
    reasons = {200: "OK", 204: "No Content", 403: "Forbidden", 410: "Gone", 413: "Payload Too Large"}
    start_response(f"{status} {reasons.get(status, 'Error')}", headers)
    return [raw]


def _event(
    route: str,
    conn: _Connection,
    *,
    body: str | None,
    binary: bool,
    headers: dict[str, str] | None,
    query: dict[str, str] | None,
    disconnect: tuple[int, str] | None,
) -> dict[str, Any]:
    """The event API Gateway hands a WebSocket route's Lambda function."""
    now_ms = int(time.time() * 1000)
    context: dict[str, Any] = {
        "routeKey": route,
        "eventType": {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE"),
        "messageDirection": "IN",
        "connectionId": conn.connection_id,
        "requestId": uuid.uuid4().hex,
        "extendedRequestId": uuid.uuid4().hex,
        "messageId": uuid.uuid4().hex if route == "$default" else None,
        "domainName": "localhost",
        "stage": "local",
        "apiId": "local",
        "connectedAt": int(conn.connected_at * 1000),
        "requestTimeEpoch": now_ms,
        "identity": {"sourceIp": conn.source_ip, "userAgent": conn.user_agent},
    }
    if disconnect is not None:
        context["disconnectStatusCode"], context["disconnectReason"] = disconnect
    event: dict[str, Any] = {"requestContext": context, "isBase64Encoded": binary}
    if body is not None:
        event["body"] = body
    if headers is not None:
        event["headers"] = headers
        event["queryStringParameters"] = query or None
    return event


def _wants_upgrade(environ: dict[str, Any]) -> bool:
    return (
        environ.get("REQUEST_METHOD") == "GET"
        and "websocket" in environ.get("HTTP_UPGRADE", "").lower()
        and "werkzeug.socket" in environ
    )


def _raw_request(environ: dict[str, Any]) -> bytes:
    """The handshake request as it came (werkzeug's environ keeps its target and headers)."""
    target = environ.get("RAW_URI") or PATH
    lines = [f"GET {target} HTTP/1.1"]
    lines += [
        f"{key[5:].replace('_', '-').title()}: {value}"
        for key, value in environ.items()
        if key.startswith("HTTP_")
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


def _query(raw: str) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(raw))


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
