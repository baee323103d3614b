"""The service client's retry policy and circuit breaker against a real HTTP callee on loopback: a timeout
or a retryable error is retried with backoff, a non-retryable one is not, and a callee that keeps failing
opens the circuit so that callers get SERVICE_UNAVAILABLE at once instead of a retry storm."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shared.errors import InvalidRequest, ServiceUnavailable, Timeout
from shared.service_client import CallPolicy, ServiceClient
from shared.transports import HttpTransport

POLICY = CallPolicy(timeout=0.3, retries=2, retry_delay=0.05, backoff_multiplier=2, breaker_threshold=4)


class Callee(BaseHTTPRequestHandler):
    hits: Counter[str] = Counter()

    def do_POST(self) -> None:
        Callee.hits[self.path] += 1
        if self.path == "/slow":
            time.sleep(1.0)
            self._answer(200, {"success": True, "data": {}})
        elif self.path == "/busy":
            error = {"code": "SERVICE_UNAVAILABLE", "message": "busy", "retryable": True}
            self._answer(503, {"success": False, "error": error})
        elif self.path == "/bad":
            error = {"code": "INVALID_REQUEST", "message": "bad", "retryable": False}
            self._answer(400, {"success": False, "error": error})
        else:
            self._answer(200, {"success": True, "data": {"ok": True}})

    def _answer(self, status: int, body: object) -> None:
        raw = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the caller timed out and left

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def callee() -> Iterator[str]:
    Callee.hits = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Callee)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


# A POST is retried only with an idempotency key (a typed client sends one with every call that is not
# idempotent): these calls carry one.
KEYED = {"Idempotency-Key": "idem_faults"}


def client(base_url: str, sleeps: list[float]) -> ServiceClient:
    return ServiceClient(
        "gateway", transport=HttpTransport(base_url), policies={"echo": POLICY}, sleep=sleeps.append
    )


def test_a_timeout_is_retried_with_growing_backoff_then_raised(callee: str) -> None:
    sleeps: list[float] = []
    with pytest.raises(Timeout):
        client(callee, sleeps).post("echo", "/slow", {}, headers=KEYED)
    assert Callee.hits["/slow"] == 3  # the call and two retries
    assert len(sleeps) == 2
    assert sleeps[1] > sleeps[0]  # exponential (with jitter)


def test_a_retryable_error_is_retried_and_a_non_retryable_one_is_not(callee: str) -> None:
    with pytest.raises(ServiceUnavailable):
        client(callee, []).post("echo", "/busy", {}, headers=KEYED)
    with pytest.raises(InvalidRequest):
        client(callee, []).post("echo", "/bad", {}, headers=KEYED)
    assert (Callee.hits["/busy"], Callee.hits["/bad"]) == (3, 1)


def test_a_callee_that_is_down_opens_the_circuit_and_callers_fail_fast() -> None:
    # GIVEN a port nobody listens on
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    attempts: Counter[str] = Counter()
    transport = HttpTransport(dead)
    original = transport.send

    def counted(request, *, timeout):  # type: ignore[no-untyped-def]
        attempts["sent"] += 1
        return original(request, timeout=timeout)

    transport.send = counted  # type: ignore[method-assign]
    caller = ServiceClient("gateway", transport=transport, policies={"echo": POLICY}, sleep=lambda _s: None)
    # WHEN callers keep calling it
    for _ in range(2):
        with pytest.raises(ServiceUnavailable):
            caller.post("echo", "/anything", {}, headers=KEYED)
    sent_before_open = attempts["sent"]
    started = time.monotonic()
    for _ in range(20):
        with pytest.raises(ServiceUnavailable, match="circuit open"):
            caller.post("echo", "/anything", {}, headers=KEYED)
    # THEN the circuit opened after the threshold: 20 more calls sent nothing and took no time
    assert sent_before_open == POLICY.breaker_threshold
    assert attempts["sent"] == sent_before_open
    assert time.monotonic() - started < 0.5
