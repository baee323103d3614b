"""rbac's domain tests run on the in-memory store and outbox (tests/unit/functions/rbac/fakes.py): no
DynamoDB, no moto. The store's own tests (`test_store.py`, `pytestmark = usefixtures("dynamodb")`) run
against moto's DynamoDB with the real tables. Published events are recorded, cache is faked behind a
transport."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from functions.rbac import ports, roles
from shared.declarations import OUTBOX_TABLE, Table
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import set_default_transport
from stratus.provision import create_bus, create_table
from tests.fakes.outbox import InMemoryOutbox
from tests.unit.functions.rbac.fakes import FakeRbacStore
from tests.unit.functions.rbac.support import FakeCache


@pytest.fixture(autouse=True)
def _fresh_container() -> None:
    roles._definitions.clear()  # each test is a fresh container over a fresh table


@pytest.fixture
def dynamodb() -> Iterator[None]:
    """The real adapters over moto's DynamoDB: the `rbac` table, the outbox table and a bus."""
    with mock_aws():
        create_table(Table("rbac"))
        create_table(OUTBOX_TABLE)  # events are staged with the writes that cause them
        create_bus()
        yield


@pytest.fixture
def fake_outbox() -> InMemoryOutbox:
    return InMemoryOutbox()


@pytest.fixture(autouse=True)
def rbac_store(request: pytest.FixtureRequest, fake_outbox: InMemoryOutbox) -> Iterator[FakeRbacStore]:
    """The in-memory store and outbox in place of DynamoDB's (not for tests that asked for `dynamodb`)."""
    fake = FakeRbacStore(fake_outbox)
    if "dynamodb" in request.fixturenames:
        yield fake
        return
    with ports.store.replaced(fake), ports.outbox.replaced(fake_outbox):
        yield fake


@pytest.fixture(autouse=True)
def events(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    """What the functions published, in order (the bus itself is not read back)."""
    sent: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *published: sent.extend(published))
    return sent


@pytest.fixture(autouse=True)
def cache() -> Iterator[FakeCache]:
    fake = FakeCache()
    set_default_transport(fake)
    yield fake
    set_default_transport(None)
