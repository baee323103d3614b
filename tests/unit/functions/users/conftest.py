"""The users service under moto: its table, a captured event bus, and fake rbac/cache callees."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from moto import mock_aws
from moto.dynamodb.responses import DynamoHandler

from shared.declarations import OUTBOX_TABLE, Table
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import set_default_transport
from stratus.provision import create_bus, create_table
from tests.unit.functions.users.support import Callees


@pytest.fixture(autouse=True)
def aws_resources() -> Iterator[None]:
    with mock_aws():
        create_table(Table("users"))
        create_table(OUTBOX_TABLE)
        create_bus()
        yield


@pytest.fixture(autouse=True)
def callees() -> Iterator[Callees]:
    fake = Callees()
    set_default_transport(fake)
    yield fake
    set_default_transport(None)


@pytest.fixture(autouse=True)
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    events: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *sent: events.extend(sent))
    return events


@pytest.fixture
def atomic_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each DynamoDB request runs alone, as each is atomic on DynamoDB (moto's threads are not)."""
    lock = threading.Lock()
    original: Callable[[DynamoHandler], Any] = DynamoHandler.call_action

    def one_at_a_time(self: DynamoHandler) -> Any:
        with lock:
            return original(self)

    monkeypatch.setattr(DynamoHandler, "call_action", one_at_a_time)
