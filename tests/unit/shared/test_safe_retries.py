"""The caller's side of a safe retry (issue 11 item 4): only a call whose repetition is harmless is retried
— GET/PUT/DELETE, a route declared idempotent, or a call with an idempotency key — and a typed client keys
every call to any other route, with one key per call that each of its retries repeats. The callee's side
(one record for a retried create) is tests/integration/test_internal_calls.py."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from shared.declarations import Function, Layer, Route, Service
from shared.errors import ServiceUnavailable, Timeout
from shared.service_client import ServiceClient
from shared.typed_client import TypedClient
from shared.wire import IDEMPOTENCY_KEY, IncomingResponse, OutgoingRequest

VAULT = Service(
    "vault",
    Layer.CORE,
    functions=(
        Function("deposit", Route("POST", "/internal/vault/deposits", status=201)),
        Function("lookup", Route("POST", "/internal/vault/lookup", idempotent=True)),
        Function("balance", Route("GET", "/internal/vault/balance")),
    ),
)
TELLER = Service(
    "teller", Layer.APPLICATION, functions=(Function("x", Route("GET", "/api/v1/x"), calls=("vault",)),)
)


class Answer(BaseModel):
    ok: bool


class VaultClient(TypedClient):
    callee = VAULT

    def deposit(self) -> Answer:
        return self._send("deposit", Answer)

    def lookup(self) -> Answer:
        return self._send("lookup", Answer)

    def balance(self) -> Answer:
        return self._send("balance", Answer)


class Flaky:
    """Fails the first `failures` sends (a timeout: the answer never came), then answers."""

    def __init__(self, failures: int = 1) -> None:
        self.failures = failures
        self.requests: list[OutgoingRequest] = []

    def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        self.requests.append(request)
        if len(self.requests) <= self.failures:
            raise Timeout("the answer was lost")
        return IncomingResponse(200, {"success": True, "data": {"ok": True}})


def client(transport: Flaky) -> VaultClient:
    vault = VaultClient(TELLER, transport=transport)
    vault.service_client._sleep = lambda _seconds: None
    return vault


def test_a_create_is_sent_with_a_key_and_its_retry_repeats_it() -> None:
    transport = Flaky(failures=2)
    assert client(transport).deposit() == Answer(ok=True)
    keys = [r.headers[IDEMPOTENCY_KEY] for r in transport.requests]
    assert len(keys) == 3
    assert len(set(keys)) == 1
    assert keys[0].startswith("idem_")
    # and the request names the callee's function (the Lambda transport invokes it by name)
    assert {r.function for r in transport.requests} == {"vault-deposit"}


def test_each_call_has_its_own_key() -> None:
    transport = Flaky(failures=0)
    vault = client(transport)
    vault.deposit()
    vault.deposit()
    assert transport.requests[0].headers[IDEMPOTENCY_KEY] != transport.requests[1].headers[IDEMPOTENCY_KEY]


@pytest.mark.parametrize("method", ["lookup", "balance"])
def test_an_idempotent_call_is_retried_without_a_key(method: str) -> None:
    transport = Flaky(failures=1)
    assert getattr(client(transport), method)() == Answer(ok=True)
    assert len(transport.requests) == 2
    assert all(IDEMPOTENCY_KEY not in r.headers for r in transport.requests)


def test_a_post_without_a_key_is_not_retried_whatever_failed() -> None:
    transport = Flaky(failures=1)
    plain = ServiceClient("teller", layer=Layer.APPLICATION, transport=transport, sleep=lambda _s: None)
    with pytest.raises(Timeout):
        plain.post("vault", "/internal/vault/deposits", {"amount": 1})
    assert len(transport.requests) == 1


def test_a_post_with_a_key_of_its_own_is_retried() -> None:
    transport = Flaky(failures=1)
    plain = ServiceClient("teller", layer=Layer.APPLICATION, transport=transport, sleep=lambda _s: None)
    keyed = {"Idempotency-Key": "k1"}
    data: Any = plain.post("vault", "/internal/vault/deposits", {"amount": 1}, headers=keyed)
    assert data == {"ok": True}
    assert [r.headers[IDEMPOTENCY_KEY] for r in transport.requests] == ["k1", "k1"]


def test_retries_stop_at_the_policys_count() -> None:
    transport = Flaky(failures=10)
    with pytest.raises(Timeout):
        client(transport).deposit()
    assert len(transport.requests) == 3  # DEFAULT_POLICY: the first try and two retries


def test_a_5xx_answer_is_retried_like_a_timeout_for_a_keyed_call() -> None:
    class Unwell(Flaky):
        def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
            self.requests.append(request)
            if len(self.requests) == 1:
                error = {"code": "SERVICE_UNAVAILABLE", "message": "busy", "retryable": True}
                return IncomingResponse(503, {"success": False, "error": error})
            return IncomingResponse(201, {"success": True, "data": {"ok": True}})

    transport = Unwell()
    assert client(transport).deposit() == Answer(ok=True)
    assert len(transport.requests) == 2
    # AND the same 503 on an unkeyed POST is raised at once
    unwell = Unwell()
    plain = ServiceClient("teller", layer=Layer.APPLICATION, transport=unwell, sleep=lambda _s: None)
    with pytest.raises(ServiceUnavailable):
        plain.post("vault", "/internal/vault/deposits", {"amount": 1})
    assert len(unwell.requests) == 1
