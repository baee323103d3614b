"""The one way a function calls another service: seed 000's timeouts, retries with exponential backoff and
jitter (of calls that are safe to repeat: idempotent, or carrying an idempotency key), and a circuit breaker
per callee, carrying request/correlation ids, the user context and a service token whose audience is the
callee.

The transport is pluggable — HTTP through the gateway, Lambda Invoke, or in-process — and the callee's
handler, validation and envelope are the same in all three (see `shared.transports`).

Functions do not use it directly: each callee's typed client (`functions/<service>/client.py`, on
`shared.typed_client.TypedClient`) builds the path from the callee's manifest, sends the callee's request
model and validates the answer into its response model, through this client.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shared import service_token
from shared.context import Headers, current
from shared.errors import InvalidRequest, NotFound, ServiceUnavailable, StratusError, Timeout, error_for
from shared.wire import IDEMPOTENCY_KEY, IncomingResponse, OutgoingRequest, Transport

# Re-exported: callers and tests name them through the client.
__all__ = [
    "DEFAULT_POLICY",
    "POLICIES",
    "CallPolicy",
    "CircuitBreaker",
    "IncomingResponse",
    "OutgoingRequest",
    "ServiceClient",
    "Transport",
    "breaker_for",
    "default_transport",
    "reset_breakers",
    "set_default_transport",
]


@dataclass(frozen=True)
class CallPolicy:
    """Seed 000's `ServiceCallConfig` (seconds instead of milliseconds)."""

    timeout: float
    retries: int
    retry_delay: float
    backoff_multiplier: float
    breaker_threshold: int  # consecutive failures that open the circuit
    breaker_reset: float = 30.0  # how long it stays open before one probe call is let through


# Seed 000's settings for the services it names; every other callee gets DEFAULT_POLICY.
POLICIES: dict[str, CallPolicy] = {
    "cache": CallPolicy(timeout=5, retries=3, retry_delay=0.1, backoff_multiplier=2, breaker_threshold=10),
    "auth": CallPolicy(timeout=10, retries=2, retry_delay=0.2, backoff_multiplier=2, breaker_threshold=5),
    "notification": CallPolicy(
        timeout=30, retries=1, retry_delay=1.0, backoff_multiplier=1, breaker_threshold=3
    ),
}
DEFAULT_POLICY = CallPolicy(timeout=10, retries=2, retry_delay=0.2, backoff_multiplier=2, breaker_threshold=5)
# Repeating one of these has the effect of making it once: retried without an idempotency key.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


class CircuitBreaker:
    """Closed → open after `threshold` consecutive failures → half-open after `reset` seconds (one probe)."""

    def __init__(self, threshold: int, reset: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = threshold
        self.reset = reset
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "half-open" if self._clock() - self._opened_at >= self.reset else "open"

    def allow(self) -> bool:
        with self._lock:
            state = self.state
            if state == "closed":
                return True
            if state == "half-open" and not self._probing:
                self._probing = True
                return True
            return False

    def record(self, *, ok: bool) -> None:
        with self._lock:
            self._probing = False
            if ok:
                self._failures, self._opened_at = 0, None
                return
            self._failures += 1
            if self._failures >= self.threshold or self._opened_at is not None:
                self._opened_at = self._clock()


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(service: str, policy: CallPolicy | None = None) -> CircuitBreaker:
    """One breaker per callee per container, shared by every client in it."""
    with _breakers_lock:
        if service not in _breakers:
            policy = policy or POLICIES.get(service, DEFAULT_POLICY)
            _breakers[service] = CircuitBreaker(policy.breaker_threshold, policy.breaker_reset)
        return _breakers[service]


def reset_breakers() -> None:
    with _breakers_lock:
        _breakers.clear()


_default_transport: Transport | None = None


def set_default_transport(transport: Transport | None) -> None:
    """The local runner and tests pick the transport; deployments pick it from settings."""
    global _default_transport
    _default_transport = transport


_lambda_transport: tuple[Any, Transport] | None = None


def default_transport() -> Transport:
    """The one installed at start-up, else the one the settings name (`STRATUS_INTERNAL_TRANSPORT`)."""
    global _lambda_transport
    if _default_transport is not None:
        return _default_transport
    from shared.config import settings
    from shared.transports import HttpTransport, LambdaTransport

    cfg = settings()
    if cfg.internal_transport == "lambda":
        # One per container (its boto3 client is made once); again if the settings were re-read.
        if _lambda_transport is None or _lambda_transport[0] is not cfg:
            transport = LambdaTransport(prefix=cfg.function_prefix, target=cfg.internal_function)
            _lambda_transport = (cfg, transport)
        return _lambda_transport[1]
    if cfg.internal_transport == "inprocess":
        raise ServiceUnavailable("No transport: STRATUS_INTERNAL_TRANSPORT=inprocess, but none was installed")
    if cfg.internal_transport != "http":
        raise ServiceUnavailable(
            f"No transport: STRATUS_INTERNAL_TRANSPORT={cfg.internal_transport!r} "
            "is not lambda, http or inprocess"
        )
    if not cfg.gateway_url:
        raise ServiceUnavailable("No transport: set STRATUS_GATEWAY_URL or configure one at start-up")
    return HttpTransport(cfg.gateway_url)


class ServiceClient:
    def __init__(
        self,
        caller: str,
        *,
        layer: int | None = None,
        transport: Transport | None = None,
        policies: Mapping[str, CallPolicy] = POLICIES,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.caller = caller
        # The caller's layer goes into its service tokens: a callee refuses a caller that is not above it
        # (shared.http_app). Typed clients (shared.typed_client) pass their service's; without one, only
        # the caller's own service answers.
        self.layer = layer
        self._transport = transport
        self._policies = policies
        self._sleep = sleep

    def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        function: str | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Call `service` and return the `data` of its success envelope, or raise its typed error.

        `function`: the callee's function (`<service>-<function>`), for transports that address functions.
        Failures are retried only when repeating the call is safe: an idempotent call (GET, PUT, DELETE,
        or `idempotent=True`) or one with an idempotency key, which the callee de-duplicates; the key is
        in the request's headers, so every attempt carries the same one."""
        policy = self._policies.get(service, DEFAULT_POLICY)
        breaker = breaker_for(service, policy)
        request = OutgoingRequest(
            service=service,
            method=method.upper(),
            path=path,
            headers=self._headers(service, headers),
            query=dict(query or {}),
            body=body,
            function=function,
        )
        if idempotent is None:
            idempotent = request.method in IDEMPOTENT_METHODS
        retries = policy.retries if idempotent or IDEMPOTENCY_KEY in request.headers else 0
        transport = self._transport or default_transport()
        attempt = 0
        while True:
            if not breaker.allow():
                raise ServiceUnavailable(
                    f"{service} is unavailable (circuit open)", details={"service": service}
                )
            try:
                response = transport.send(request, timeout=policy.timeout)
                error = _error_of(response)
            except (Timeout, ServiceUnavailable) as exc:
                error = exc
            # Only failures that say the callee is unwell count against its circuit, not a 404 or a 409.
            breaker.record(ok=error is None or not error.retryable)
            if error is None:
                return response.body.get("data") if isinstance(response.body, dict) else response.body
            if not error.retryable or attempt >= retries:
                raise error
            self._sleep(_backoff(policy, attempt))
            attempt += 1

    def get(self, service: str, path: str, **kwargs: Any) -> Any:
        return self.call(service, "GET", path, **kwargs)

    def post(self, service: str, path: str, json_body: Any = None, **kwargs: Any) -> Any:
        body = None if json_body is None else json.dumps(json_body, separators=(",", ":")).encode()
        return self.call(service, "POST", path, body=body, **kwargs)

    def _headers(self, service: str, extra: Mapping[str, str] | None) -> dict[str, str]:
        ctx = current()
        headers = {
            "content-type": "application/json",
            "accept": "application/json",
            Headers.SERVICE_NAME: self.caller,
            Headers.SERVICE_TOKEN: service_token.for_call(self.caller, service, layer=self.layer),
        }
        if ctx is not None:
            headers.update(ctx.outgoing_headers())
        headers.update({k.lower(): v for k, v in (extra or {}).items()})
        return headers


def _backoff(policy: CallPolicy, attempt: int) -> float:
    delay = policy.retry_delay * policy.backoff_multiplier**attempt
    return float(delay * (0.5 + random.random() / 2))  # noqa: S311 - jitter, not cryptography


def _error_of(response: IncomingResponse) -> StratusError | None:
    if response.status < 400:
        return None
    body = response.body if isinstance(response.body, dict) else {}
    err = body.get("error") if isinstance(body.get("error"), dict) else None
    if err is None:  # not an envelope: a gateway or a proxy answered
        kind = (
            ServiceUnavailable
            if response.status >= 500
            else NotFound
            if response.status == 404
            else InvalidRequest
        )
        return kind(f"HTTP {response.status} without an error envelope")
    details = err.get("details")
    # Headers do not cross the wire; `details.retryAfter` carries Retry-After (423, 429) to the edge.
    retry_after = details.get("retryAfter") if isinstance(details, dict) else None
    return error_for(
        err.get("code", "INTERNAL_ERROR"),
        err.get("message", ""),
        field=err.get("field"),
        details=details,
        headers={"Retry-After": str(retry_after)} if isinstance(retry_after, int) else None,
    )
