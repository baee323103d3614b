"""Shared helpers of the auth tests: internal calls with a service token, captured events, a fake cache,
and the kernel's outbox table under moto (auth stages user.login and user.logout there)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from moto import mock_aws

from shared.adapters.lambda_events import LocalContext, http_event
from shared.context import UserContext
from shared.declarations import OUTBOX_TABLE
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import IncomingResponse, OutgoingRequest, set_default_transport
from stratus.provision import create_table
from tests.kit import service_token_for

CTX: Any = LocalContext("auth-test")  # stands in for the LambdaContext the handlers are typed with


@pytest.fixture(autouse=True)
def outbox_table() -> Iterator[None]:
    """An in-process DynamoDB with the outbox table, and no bus unless a test creates one."""
    with mock_aws():
        create_table(OUTBOX_TABLE)
        yield


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


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    """Every event the code under test publishes (validated against its schema by `publish` already)."""
    seen: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *events: seen.extend(events))
    return seen


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
