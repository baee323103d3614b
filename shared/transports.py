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
import threading
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from shared.adapters.lambda_events import LocalContext, http_event
from shared.config import settings
from shared.errors import InternalError, NotFound, ServiceUnavailable, Timeout
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
    """Lambda Invoke (RequestResponse) of the callee's deployed function: `<prefix>-<service>-<function>`,
    the request's function as its typed client names it, or `target` when one function serves every
    internal route (the monolith). The event is API Gateway's v2 event, so the callee's `HttpApp` reads it
    as it reads a request from the API; its result is the same response object.

    The policy's timeout is the invoke's read timeout: one boto3 client per timeout (the policies have a
    few), made on first use, none of them retrying by itself — the service client decides about retries
    (only idempotent or keyed calls). `client`: any object with boto3's Lambda `invoke`, for every call
    (tests hand in a fake)."""

    def __init__(self, *, prefix: str, target: str | None = None, client: Any = None) -> None:
        self.prefix = prefix
        self.target = target
        self._given = client
        self._clients: dict[float, Any] = {}
        self._session: Any = None
        self._lock = threading.Lock()

    def function_name(self, request: OutgoingRequest) -> str:
        if self.target:
            return self.target
        if not request.function:
            raise InternalError(
                f"{request.method} {request.path}: a Lambda Invoke needs the callee's function name "
                f"(call {request.service} through its typed client)"
            )
        return f"{self.prefix}-{request.function}"

    def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        from botocore.exceptions import BotoCoreError, ClientError, ReadTimeoutError

        event = http_event(
            request.method, request.path, headers=request.headers, query=request.query, body=request.body
        )
        try:
            response = self.client(timeout).invoke(
                FunctionName=self.function_name(request),
                InvocationType="RequestResponse",
                Payload=json.dumps(event).encode(),
            )
        except ReadTimeoutError as exc:
            raise Timeout(f"{request.service} did not answer within {timeout}s") from exc
        except (BotoCoreError, ClientError) as exc:
            raise ServiceUnavailable(f"{request.service} could not be invoked: {exc}") from exc
        result = json.loads(response["Payload"].read() or b"{}")
        if response.get("FunctionError"):
            raise ServiceUnavailable(f"{request.service} failed: {result.get('errorMessage', 'unknown')}")
        return IncomingResponse(
            int(result.get("statusCode", 200)), _parse((result.get("body") or "").encode())
        )

    def client(self, timeout: float) -> Any:
        if self._given is not None:
            return self._given
        with self._lock:
            if timeout not in self._clients:
                import boto3
                from botocore.config import Config

                cfg = settings()
                if self._session is None:  # one per transport: a session loads botocore's models
                    self._session = boto3.session.Session()
                self._clients[timeout] = self._session.client(
                    "lambda",
                    region_name=cfg.region,
                    endpoint_url=cfg.endpoint_url,
                    config=Config(connect_timeout=2, read_timeout=timeout, retries={"total_max_attempts": 1}),
                )
            return self._clients[timeout]


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
