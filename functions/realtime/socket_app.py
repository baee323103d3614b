"""`SocketApp`: what `HttpApp` is to an HTTP route, for a route of the WebSocket API.

It turns API Gateway's WebSocket event (`requestContext.connectionId`, `routeKey`, `body`) into a
`SocketEvent`, binds the request context (so service calls and logs carry a request id), runs the function,
and sends its `Outcome` back on the connection through the management API: the replies in order, then the
close. A function never digs in the raw event, and nothing it raises reaches the client as a crash: an
unexpected error is logged and answered with an `error` message (the connection stays).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from typing import Any

from functions.realtime import management
from functions.realtime.models import Outcome, SocketEvent
from shared import context as request_context
from shared import observability
from shared.context import RequestContext, new_id
from shared.declarations import Function, WebSocket

SocketHandler = Callable[[SocketEvent], Outcome]


class SocketApp:
    def __init__(self, function: Function) -> None:
        if not isinstance(function.trigger, WebSocket):
            raise TypeError(f"{function.qualified_name} is not a WebSocket function")
        self.function = function
        self.route = function.trigger.route
        self.logger = observability.logger(function.service)
        self._handler: SocketHandler | None = None

    def on(self, func: SocketHandler) -> SocketHandler:
        self._handler = func
        return func

    def handle(self, event: Mapping[str, Any], _context: Any = None) -> dict[str, Any]:
        assert self._handler is not None, f"{self.function.qualified_name} registered no handler"
        socket_event = parse(event, self.route)
        ctx = RequestContext(
            request_id=socket_event.request_id,
            correlation_id=socket_event.request_id,
            service=self.function.service,
            source_ip=socket_event.source_ip,
            user_agent=socket_event.user_agent,
        )
        with (
            request_context.bound(ctx),
            observability.log_keys(
                self.logger, request_id=ctx.request_id, connection_id=socket_event.connection_id
            ),
        ):
            try:
                outcome = self._handler(socket_event)
            except Exception:
                self.logger.exception("websocket function failed", route=self.route)
                if self.route != "$default":
                    return {"statusCode": 500}
                outcome = Outcome(
                    replies=[{"type": "error", "code": "INTERNAL_ERROR", "message": "Try again"}]
                )
            if self.route == "$default" and (outcome.replies or outcome.close is not None):
                try:
                    management.send_all(socket_event.connection_id, outcome.replies, outcome.close)
                except Exception:  # the client misses this answer; the connection and its state are fine
                    self.logger.exception("answer not delivered", route=self.route)
            return {"statusCode": outcome.status}


def parse(event: Mapping[str, Any], route: str) -> SocketEvent:
    context = event.get("requestContext") or {}
    identity = context.get("identity") or {}
    body = event.get("body")
    if body is not None and event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(body).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            body = ""  # a binary frame that is not UTF-8 text: garbage, answered as such
    return SocketEvent(
        route=context.get("routeKey") or route,
        connection_id=str(context.get("connectionId", "")),
        request_id=str(context.get("requestId") or new_id("req_")),
        body=body,
        source_ip=identity.get("sourceIp"),
        user_agent=identity.get("userAgent"),
    )
