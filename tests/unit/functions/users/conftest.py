"""The users domain tests run on the in-memory stores and outbox (tests/unit/functions/users/fakes.py): no
DynamoDB, no moto. The store contract (`test_store_contract.py`) asks for `dynamodb` and runs the real
stores over moto's DynamoDB as well. Published events are recorded; rbac and cache are faked behind a
transport."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from functions.users import ports
from shared.declarations import OUTBOX_TABLE, Table
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import set_default_transport
from tests.fakes.outbox import InMemoryOutbox
from tests.unit.functions.users.fakes import (
    FakeChallengeStore,
    FakeFactorStore,
    FakeInvitationStore,
    FakeLockoutStore,
    FakeSignInStore,
    FakeTokenStore,
    FakeUserStore,
    UsersTable,
)
from tests.unit.functions.users.support import Callees


@pytest.fixture
def dynamodb() -> Iterator[None]:
    """The real stores over moto's DynamoDB: the `users` table, the outbox table and a bus."""
    from moto import mock_aws

    from stratus.provision import create_bus, create_table

    with mock_aws():
        create_table(Table("users"))
        create_table(OUTBOX_TABLE)
        create_bus()
        yield


@pytest.fixture
def fake_outbox() -> InMemoryOutbox:
    return InMemoryOutbox()


@pytest.fixture
def users_table(fake_outbox: InMemoryOutbox) -> UsersTable:
    return UsersTable(fake_outbox)


@pytest.fixture(autouse=True)
def fake_stores(request: pytest.FixtureRequest, users_table: UsersTable) -> Iterator[UsersTable]:
    """Every store port on the in-memory table (not for tests that asked for `dynamodb`)."""
    if "dynamodb" in request.fixturenames:
        yield users_table
        return
    with ExitStack() as stack:
        stack.enter_context(ports.users.replaced(FakeUserStore(users_table)))
        stack.enter_context(ports.sign_ins.replaced(FakeSignInStore(users_table)))
        stack.enter_context(ports.lockouts.replaced(FakeLockoutStore(users_table)))
        stack.enter_context(ports.tokens.replaced(FakeTokenStore(users_table)))
        stack.enter_context(ports.invitations.replaced(FakeInvitationStore(users_table)))
        stack.enter_context(ports.factors.replaced(FakeFactorStore(users_table)))
        stack.enter_context(ports.challenges.replaced(FakeChallengeStore(users_table)))
        stack.enter_context(ports.outbox.replaced(users_table.outbox))
        yield users_table


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
def atomic_dynamodb(dynamodb: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each DynamoDB request runs alone, as each is atomic on DynamoDB (moto's threads are not)."""
    from moto.dynamodb.responses import DynamoHandler

    lock = threading.Lock()
    original: Callable[[DynamoHandler], Any] = DynamoHandler.call_action

    def one_at_a_time(self: DynamoHandler) -> Any:
        with lock:
            return original(self)

    monkeypatch.setattr(DynamoHandler, "call_action", one_at_a_time)
