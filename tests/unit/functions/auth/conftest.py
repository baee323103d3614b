"""Shared helpers of the auth tests: internal calls with a service token, a fake bus and a fake cache, and
auth's outbox port on the in-memory outbox (tests/unit/functions/auth/fakes.py) — no DynamoDB, no moto.
The tests of the real adapter (shared.outbox over moto's outbox table and event bus) ask for `dynamodb`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest

from functions.auth import ports
from shared.adapters.lambda_events import LocalContext, http_event
from shared.context import UserContext
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import IncomingResponse, OutgoingRequest, set_default_transport
from tests.kit import service_token_for
from tests.unit.functions.auth.fakes import FakeAuthOutbox

CTX: Any = LocalContext("auth-test")  # stands in for the LambdaContext the handlers are typed with


@pytest.fixture
def dynamodb() -> Iterator[None]:
    """The real outbox adapter: an in-process DynamoDB with the outbox table, and no bus unless a test
    creates one."""
    from moto import mock_aws

    from shared.declarations import OUTBOX_TABLE
    from stratus.provision import create_table

    with mock_aws():
        create_table(OUTBOX_TABLE)
        yield


@dataclass
class FakeBus:
    """The event bus: what was published, or QueueUnavailable while it is `down`."""

    sent: list[ServiceEvent] = field(default_factory=list)
    down: bool = False

    def send(self, *events: ServiceEvent) -> None:
        if self.down:
            raise QueueUnavailable("PutEvents refused")
        self.sent.extend(events)


@pytest.fixture(autouse=True)
def bus(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> FakeBus:
    """The fake bus in place of EventBridge (not for tests that asked for the real adapter, `dynamodb`)."""
    fake = FakeBus()
    if "dynamodb" not in request.fixturenames:
        monkeypatch.setattr(publisher, "send", fake.send)
    return fake


@pytest.fixture(autouse=True)
def auth_outbox(request: pytest.FixtureRequest) -> Iterator[FakeAuthOutbox]:
    fake = FakeAuthOutbox()
    if "dynamodb" in request.fixturenames:
        yield fake
        return
    with ports.outbox.replaced(fake):
        yield fake


@pytest.fixture
def published(bus: FakeBus) -> list[ServiceEvent]:
    """Every event the code under test publishes (validated against its schema by `build` already)."""
    return bus.sent


def body(result: dict[str, Any]) -> Any:
    return json.loads(result["body"])


def call(
    module: ModuleType,
    payload: Any = None,
    *,
    caller: str | None = "gateway",
    user: UserContext | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Invoke one of auth's function modules as `caller` would, through its Lambda handler."""
    route = module.app.declared
    sent = dict(headers or {})
    if caller is not None:
        sent["x-service-token"] = service_token_for(caller, "auth")
    if user is not None:
        sent["x-user-context"] = user.to_header()
    raw = None if payload is None else payload if isinstance(payload, str) else json.dumps(payload)
    event = http_event(route.method, route.path, route=route, headers=sent, body=raw)
    result: dict[str, Any] = module.handler(event, CTX)
    return result


def error_of(result: dict[str, Any]) -> dict[str, Any]:
    error: dict[str, Any] = body(result)["error"]
    return error


class FakeCache:
    """Answers the service client in place of the cache service, keyed on the path; records requests."""

    def __init__(self) -> None:
        self.requests: list[OutgoingRequest] = []
        self.answers: dict[str, Callable[[OutgoingRequest], IncomingResponse]] = {
            "/internal/sessions/revoke": lambda _r: IncomingResponse(
                200, {"success": True, "data": {"revoked": True}}
            )
        }

    def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        self.requests.append(request)
        return self.answers[request.path](request)


@pytest.fixture
def cache() -> Iterator[FakeCache]:
    fake = FakeCache()
    set_default_transport(fake)
    yield fake
    set_default_transport(None)
