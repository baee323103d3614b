"""The service client's transports. Each builds the same request; only the way it travels differs.

- `HttpTransport`: through the gateway over HTTP (any deployment with a reachable gateway URL).
- `LambdaTransport`: AWS Lambda Invoke of the callee's function with an HTTP API v2 event.
- `InProcessTransport`: the callee's handler in this process (the local runner and tests).
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import json
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from shared import aws
from shared.adapters.lambda_events import LocalContext, http_event
from shared.errors import NotFound, ServiceUnavailable, Timeout
from shared.registry import Registry
from shared.wire import IncomingResponse, OutgoingRequest


def _parse(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return {"raw": raw[:200].decode(errors="replace")}


class HttpTransport:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        url = self.base_url + request.path
        if request.query:
            url += "?" + urlencode(request.query)
        http_request = urllib.request.Request(  # noqa: S310 - the URL is the configured gateway
            url, data=request.body, method=request.method, headers=request.headers
        )
        try:
            with urllib.request.urlopen(http_request, timeout=timeout) as response:  # noqa: S310
                return IncomingResponse(response.status, _parse(response.read()))
        except urllib.error.HTTPError as exc:
            return IncomingResponse(exc.code, _parse(exc.read()))
        except TimeoutError as exc:
            raise Timeout(f"{request.service} did not answer within {timeout}s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise Timeout(f"{request.service} did not answer within {timeout}s") from exc
            raise ServiceUnavailable(f"{request.service} is unreachable: {exc.reason}") from exc


class LambdaTransport:
    """`function_for(method, path)` names the deployed function that serves a route."""

    def __init__(self, function_for: Callable[[str, str], str]) -> None:
        self.function_for = function_for

    def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        from botocore.exceptions import BotoCoreError, ClientError, ReadTimeoutError

        event = http_event(
            request.method, request.path, headers=request.headers, query=request.query, body=request.body
        )
        try:
            response = aws.client("lambda").invoke(
                FunctionName=self.function_for(request.method, request.path),
                Payload=json.dumps(event).encode(),
            )
        except ReadTimeoutError as exc:
            raise Timeout(f"{request.service} did not answer in time") from exc
        except (BotoCoreError, ClientError) as exc:
            raise ServiceUnavailable(f"{request.service} could not be invoked: {exc}") from exc
        result = json.loads(response["Payload"].read() or b"{}")
        if response.get("FunctionError"):
            raise ServiceUnavailable(f"{request.service} failed: {result.get('errorMessage', 'unknown')}")
        return IncomingResponse(
            int(result.get("statusCode", 200)), _parse((result.get("body") or "").encode())
        )


class InProcessTransport:
    """Runs the callee's handler here, on a worker thread so that the policy's timeout holds."""

    def __init__(self, registry: Registry, *, max_workers: int = 16) -> None:
        self.registry = registry
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="call")

    def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        found = self.registry.match(request.method, request.path)
        if found is None or found.function.service != request.service:
            raise NotFound(f"{request.service} has no route {request.method} {request.path}")
        event = http_event(
            request.method,
            request.path,
            route=found.function.route,
            path_params=found.path_params,
            headers=request.headers,
            query=request.query,
            body=request.body,
        )
        handler = self.registry.handler(found.function)
        context = LocalContext.for_function(found.function)
        # A copy of the caller's context: the callee binds its own request context inside it.
        run = contextvars.copy_context().run
        future = self._pool.submit(run, handler, event, context)
        try:
            result = future.result(timeout=timeout)
        except concurrent.futures.TimeoutError as exc:
            raise Timeout(f"{request.service} did not answer within {timeout}s") from exc
        return IncomingResponse(int(result["statusCode"]), _parse((result.get("body") or "").encode()))
