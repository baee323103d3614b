"""One WSGI app that mounts every declared route (monolith mode).

Serve it with any WSGI server, or on a single Lambda through serverless-wsgi:

    def handler(event, context):
        return serverless_wsgi.handle_request(app, event, context)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from shared.adapters.gateway import Gateway, HttpRequest, HttpResponse, error_response
from shared.context import Headers, new_id
from shared.errors import PayloadTooLarge, check_body_size

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


def to_http_request(request: Request) -> HttpRequest | HttpResponse:
    """Read a werkzeug/flask request; an over-long body is refused before it is read."""
    try:
        check_body_size(request.content_length or 0)
    except PayloadTooLarge as exc:
        return error_response(exc, request_id=request.headers.get(Headers.REQUEST_ID) or new_id("req_"))
    return HttpRequest(
        method=request.method,
        path=request.path,
        headers=dict(request.headers.items()),
        query={k: ",".join(v) for k, v in request.args.lists()},
        body=request.get_data(cache=False),
        source_ip=request.remote_addr or "127.0.0.1",
    )


def to_werkzeug_response(response: HttpResponse) -> Response:
    return Response(response.body, status=response.status, headers=response.headers)


class WsgiApp:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        parsed = to_http_request(Request(environ))
        response = parsed if isinstance(parsed, HttpResponse) else self.gateway.handle(parsed)
        wsgi_response: Any = to_werkzeug_response(response)
        return wsgi_response(environ, start_response)  # type: ignore[no-any-return]
