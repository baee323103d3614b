"""The gateway every non-AWS runtime shares: match a declared route, run the authorizer on protected
routes, hand the function the same HTTP API v2 event API Gateway would, and return its response.

The WSGI monolith, the functions-framework HTTP target and `stratus dev` all dispatch through `Gateway`.
"""

from __future__ import annotations

import base64
import ipaddress
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared import envelopes
from shared.adapters.cors import CorsPolicy
from shared.adapters.lambda_events import LocalContext, http_event
from shared.config import settings
from shared.context import Headers, new_id
from shared.declarations import Auth, Function, Route
from shared.errors import Forbidden, InvalidToken, MethodNotAllowed, NotFound, StratusError, check_body_size
from shared.registry import Registry

# Receives the v2 event of a protected route; returns the authorizer's context, or raises StratusError.
Authorizer = Callable[[dict[str, Any]], Mapping[str, Any]]


def deny_all(_event: dict[str, Any]) -> Mapping[str, Any]:
    """The authorizer when none is declared: protected routes stay closed."""
    raise InvalidToken("No authorizer is configured for protected routes")


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    source_ip: str = "127.0.0.1"


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Gateway:
    """`loopback_only_internal`: service-to-service routes answer only clients on this machine (the local
    runner: its internal calls never leave the process, so nobody else has a reason to reach them)."""

    def __init__(
        self,
        registry: Registry,
        *,
        authorizer: Authorizer | None = None,
        loopback_only_internal: bool = False,
        cors: CorsPolicy | None = None,
    ) -> None:
        self.registry = registry
        self.authorizer = authorizer or self._declared_authorizer()
        self.loopback_only_internal = loopback_only_internal
        self.cors = cors or CorsPolicy(settings().cors_origins)

    def _declared_authorizer(self) -> Authorizer:
        """The registry's authorizer function, invoked as API Gateway invokes a Lambda authorizer."""
        fn = self.registry.authorizer
        if fn is None:
            return deny_all

        def run(event: dict[str, Any]) -> Mapping[str, Any]:
            request = {
                **event,
                "type": "REQUEST",
                "routeArn": f"arn:aws:execute-api:local:000000000000:local/$default/{event['routeKey']}",
            }
            result = self.registry.handler(fn)(request, LocalContext.for_function(fn))
            if not result.get("isAuthorized"):
                raise Forbidden("The authorizer refused the request")
            return dict(result.get("context") or {})

        return run

    def handle(self, request: HttpRequest) -> HttpResponse:
        headers = {k.lower(): v for k, v in request.headers.items()}
        # The edge generates the request id when the client sent none; every hop after reuses it.
        headers.setdefault(Headers.REQUEST_ID, new_id("req_"))
        origin = headers.get("origin")
        try:
            if request.method.upper() == "OPTIONS" and origin and "access-control-request-method" in headers:
                return self._preflight(request, origin, headers[Headers.REQUEST_ID])
            response = self._dispatch(request, headers)
        except StratusError as exc:
            response = error_response(exc, request_id=headers[Headers.REQUEST_ID])
        if origin and self.cors.allows(origin):
            response.headers.update(self.cors.response_headers(origin))
        return response

    def _visible_routes(self, request: HttpRequest) -> list[Function]:
        """The functions serving the path that this client may know about (any method). As API Gateway
        ranks routes, a greedy `{proxy+}` route (the apps' catch-all) counts only where no route without
        one serves the path: an in-repo app's declared paths say exactly which methods they have."""
        found = [fn for fn in self.registry.routes_at(request.path) if not self._hidden(fn.route, request)]
        exact = [fn for fn in found if "+}" not in fn.route.path]
        return exact or found

    def _hidden(self, route: Route, request: HttpRequest) -> bool:
        return (
            self.loopback_only_internal
            and route.auth in (Auth.SERVICE, Auth.SYSTEM)
            and not is_loopback(request.source_ip)
        )

    def _preflight(self, request: HttpRequest, origin: str, request_id: str) -> HttpResponse:
        methods = {m for fn in self._visible_routes(request) for m in fn.route.methods}
        if not methods:
            raise NotFound(f"No route for {request.path}")
        if not self.cors.allows(origin):
            raise Forbidden(f"Origin {origin} is not allowed (STRATUS_CORS_ORIGINS)", field="Origin")
        headers = {"X-Request-ID": request_id, **self.cors.preflight_headers(origin, methods)}
        return HttpResponse(status=204, headers=headers, body=b"")

    def _dispatch(self, request: HttpRequest, headers: dict[str, str]) -> HttpResponse:
        check_body_size(len(request.body))
        found = self.registry.match(request.method, request.path)
        if found is None or self._hidden(found.function.route, request):
            allowed = sorted({m for fn in self._visible_routes(request) for m in fn.route.methods})
            if allowed:
                raise MethodNotAllowed(
                    f"{request.method.upper()} is not allowed on {request.path}; use {', '.join(allowed)}",
                    headers={"Allow": ", ".join(allowed)},
                    details={"allow": allowed},
                )
            raise NotFound(f"No route for {request.method.upper()} {request.path}")
        route = found.function.route
        event = http_event(
            request.method,
            request.path,
            route=route,
            path_params=found.path_params,
            headers=headers,
            query=request.query,
            body=request.body,
            source_ip=request.source_ip,
        )
        if route.auth is Auth.USER:
            event["requestContext"]["authorizer"] = {"lambda": dict(self.authorizer(event))}
        handler = self.registry.handler(found.function)
        result = handler(event, LocalContext.for_function(found.function))
        return from_lambda_result(result)


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def from_lambda_result(result: Mapping[str, Any]) -> HttpResponse:
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
    headers = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
    return HttpResponse(status=int(result.get("statusCode", 200)), headers=headers, body=body)


def error_response(exc: StratusError, *, request_id: str) -> HttpResponse:
    """A gateway-level error (no function ran) in the same envelope a function would send."""
    body = json.dumps(envelopes.error(exc, request_id=request_id, service="gateway"), separators=(",", ":"))
    headers = {"Content-Type": "application/json", "X-Request-ID": request_id, **exc.headers}
    return HttpResponse(status=exc.status, headers=headers, body=body.encode())
