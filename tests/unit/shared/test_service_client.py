"""The service client's seed 000 policy: retries with backoff on retryable failures only, a circuit
breaker per callee, and every hop carrying ids, user context and a callee-bound service token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shared import context, service_token
from shared.context import RequestContext, UserContext
from shared.errors import AccountLocked, ServiceUnavailable, Timeout, UserNotFound
from shared.service_client import (
    CallPolicy,
    CircuitBreaker,
    IncomingResponse,
    OutgoingRequest,
    ServiceClient,
    breaker_for,
)

POLICY = {
    "users": CallPolicy(timeout=1, retries=2, retry_delay=0.1, backoff_multiplier=2, breaker_threshold=3)
}


def ok(data: Any) -> IncomingResponse:
    return IncomingResponse(200, {"success": True, "data": data})


def failure(status: int, code: str, retryable: bool) -> IncomingResponse:
    return IncomingResponse(
        status, {"success": False, "error": {"code": code, "message": code, "retryable": retryable}}
    )


class FakeTransport:
    def __init__(self, *answers: IncomingResponse | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[OutgoingRequest] = []

    def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def client(transport: FakeTransport, sleeps: list[float] | None = None) -> ServiceClient:
    record: Callable[[float], None] = sleeps.append if sleeps is not None else lambda _s: None
    return ServiceClient("gateway", transport=transport, policies=POLICY, sleep=record)


def test_the_data_of_the_success_envelope_is_returned() -> None:
    assert client(FakeTransport(ok({"userId": "u_1"}))).get("users", "/internal/users/u_1") == {
        "userId": "u_1"
    }


def test_a_retryable_failure_is_retried_with_growing_backoff_then_succeeds() -> None:
    sleeps: list[float] = []
    transport = FakeTransport(failure(503, "SERVICE_UNAVAILABLE", True), Timeout(), ok("done"))
    assert client(transport, sleeps).get("users", "/internal/x") == "done"
    assert len(transport.requests) == 3
    # jitter keeps each delay within [50%, 100%] of 0.1 * 2**attempt
    assert 0.05 <= sleeps[0] <= 0.1
    assert 0.1 <= sleeps[1] <= 0.2


def test_retries_stop_at_the_policys_count() -> None:
    transport = FakeTransport(failure(503, "SERVICE_UNAVAILABLE", True))
    with pytest.raises(ServiceUnavailable):
        client(transport).get("users", "/internal/x")
    assert len(transport.requests) == 1 + POLICY["users"].retries


def test_a_non_retryable_error_is_raised_at_once_as_its_typed_error() -> None:
    transport = FakeTransport(failure(404, "USER_NOT_FOUND", False))
    with pytest.raises(UserNotFound):
        client(transport).get("users", "/internal/users/u_404")
    assert len(transport.requests) == 1


def test_a_callees_retry_after_reaches_the_edge_as_a_header() -> None:
    # GIVEN a callee that answers 423 with details.retryAfter (headers do not cross the service wire)
    locked = IncomingResponse(
        423,
        {
            "success": False,
            "error": {"code": "ACCOUNT_LOCKED", "message": "locked", "details": {"retryAfter": 900}},
        },
    )
    # WHEN the caller gets it  THEN the rebuilt error carries Retry-After for the caller's own answer
    with pytest.raises(AccountLocked) as caught:
        client(FakeTransport(locked)).post("users", "/internal/users/validate-credentials", {})
    assert caught.value.headers == {"Retry-After": "900"}


def test_a_failing_callee_opens_the_circuit_and_callers_fail_fast() -> None:
    transport = FakeTransport(ServiceUnavailable("down"))
    c = client(transport)
    with pytest.raises(ServiceUnavailable):
        c.get("users", "/internal/x")  # 3 attempts = threshold: the circuit opens
    sent = len(transport.requests)
    with pytest.raises(ServiceUnavailable, match="circuit open"):
        c.get("users", "/internal/x")
    assert len(transport.requests) == sent  # no call reached the callee


def test_client_errors_do_not_open_the_circuit() -> None:
    c = client(FakeTransport(failure(404, "USER_NOT_FOUND", False)))
    for _ in range(5):
        with pytest.raises(UserNotFound):
            c.get("users", "/internal/x")
    assert breaker_for("users").state == "closed"


def test_the_breaker_lets_one_probe_through_after_its_reset_time() -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=2, reset=10, clock=lambda: now[0])
    breaker.record(ok=False)
    breaker.record(ok=False)
    assert not breaker.allow()
    now[0] = 10.0
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # only one
    breaker.record(ok=True)
    assert breaker.state == "closed"
    assert breaker.allow()


def test_a_failed_probe_opens_the_circuit_again() -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=1, reset=10, clock=lambda: now[0])
    breaker.record(ok=False)
    now[0] = 11.0
    assert breaker.allow()
    breaker.record(ok=False)
    assert breaker.state == "open"


def test_each_hop_carries_ids_user_and_a_token_for_the_callee() -> None:
    transport = FakeTransport(ok(None))
    user = UserContext(user_id="u_1", tenant_id="acme-corp", roles=("member",))
    ctx = RequestContext(request_id="req_1", correlation_id="cor_1", service="gateway", user=user)
    with context.bound(ctx):
        client(transport).post("users", "/internal/users/create", {"email": "a@b.co"})
    headers = transport.requests[0].headers
    assert headers["x-request-id"] == "req_1"
    assert headers["x-correlation-id"] == "cor_1"
    assert headers["x-service-name"] == "gateway"
    assert UserContext.from_header(headers["x-user-context"]) == user
    assert headers["x-tenant-id"] == "acme-corp"
    assert service_token.verify(headers["x-service-token"], audience="users").name == "gateway"
    assert transport.requests[0].body == b'{"email":"a@b.co"}'
