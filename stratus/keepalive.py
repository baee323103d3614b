"""HTTP/1.1 keep-alive for the local runner's two werkzeug servers (the gateway and the embedded moto server).

werkzeug's development server closes every connection after one response ("Connection: close"), because
`http.server` cannot tell where an unread request body ends. Every boto3 call to the emulator and every
client request then costs a new TCP connection and a new server thread; on a loaded machine the server's
accept loop, waiting for each new thread to start, became the ceiling of the whole local platform
(issue 15: fan-out and gateway load). This handler keeps the connection open when it can find the next
request line: the request had no body or a `Content-Length` one (what the app left unread is drained), was
not chunked, and asked for no protocol upgrade (`GET /ws` keeps its socket). The server still runs one
thread per connection; a client that keeps its connection simply reuses its thread.

The embedded moto server keeps only botocore's connections (`BotocoreKeepAliveRequestHandler`: the
platform's own clients, whose every call went through a new connection and a new server thread); any other
client — Terraform's Go client hung `terraform apply` on a kept connection to it — gets one per request.
"""

from __future__ import annotations

import io
import socket
from typing import IO, TYPE_CHECKING, Any, cast

from werkzeug.serving import WSGIRequestHandler
from werkzeug.wsgi import LimitedStream

from shared.config import settings

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment


def _socket_at_eof() -> socket.socket:
    """Always readable, and what reads it finds end-of-file (its peer is closed)."""
    end, peer = socket.socketpair()
    peer.close()
    return end


_AT_EOF = _socket_at_eof()


class KeepAliveRequestHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"
    _real: tuple[Any, Any] | None = None
    # User-Agent prefixes whose connections are kept; empty: every client's.
    kept_user_agents: tuple[str, ...] = ()

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: with Nagle's algorithm on a kept connection the body
        # would wait for the client's delayed ACK (~40 ms).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def make_environ(self) -> WSGIEnvironment:
        """The body as a stream bounded by its length, so that what the app leaves unread can be drained."""
        environ = super().make_environ()
        if "wsgi.input_terminated" not in environ:  # not chunked (werkzeug dechunks those itself)
            try:
                length = max(0, int(environ.get("CONTENT_LENGTH") or 0))
            except ValueError:
                return environ  # no LimitedStream: this connection closes after the response
            if length > settings().max_body_bytes:
                # Refused unread (413): werkzeug's own handling, the connection closes after the answer,
                # rather than draining megabytes the client may still be sending.
                return environ
            environ["wsgi.input"] = LimitedStream(cast(IO[bytes], self.rfile), length)
            # werkzeug discards "what is left" on the socket after the response, waiting 10 ms for it: with
            # keep-alive that would swallow the client's next request. The body is drained by its length
            # instead (run_wsgi), so that loop is shown a socket at end-of-file and returns at once.
            self._real = (self.connection, self.rfile)
            self.connection, self.rfile = _AT_EOF, io.BytesIO()
        return environ

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "connection" and value.lower() == "close" and self._may_keep_alive():
            return  # werkzeug's unconditional close; the client's own `Connection: close` still holds
        super().send_header(keyword, value)

    def _may_keep_alive(self) -> bool:
        environ = getattr(self, "environ", None)
        if not environ or self.close_connection:
            return False
        if environ.get("HTTP_UPGRADE") or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return False
        if self.kept_user_agents and not environ.get("HTTP_USER_AGENT", "").startswith(self.kept_user_agents):
            return False
        return isinstance(environ.get("wsgi.input"), LimitedStream)

    def run_wsgi(self) -> None:
        self._real = None
        try:
            super().run_wsgi()
        finally:
            self._put_back()
        if self.close_connection:
            return
        stream = self.environ.get("wsgi.input")
        try:
            if isinstance(stream, LimitedStream):
                stream.exhaust()  # the next request starts after this one's body
            else:
                self.close_connection = True
        except OSError:
            self.close_connection = True

    def _put_back(self) -> None:
        if self._real is not None:
            self.connection, self.rfile = self._real
            self._real = None

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """The local runner logs requests itself; werkzeug's access line is not formatted at all."""


class BotocoreKeepAliveRequestHandler(KeepAliveRequestHandler):
    """For the embedded moto server: boto3's and botocore's connections are kept, every other client's
    closed after each response."""

    kept_user_agents = ("Boto3/", "Botocore/")
