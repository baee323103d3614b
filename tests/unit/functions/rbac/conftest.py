"""Every rbac test runs against an in-process DynamoDB holding the `rbac` table and an event bus, with
published events recorded and cache faked behind a transport."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from functions.rbac import roles
from shared.declarations import OUTBOX_TABLE, Table
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import set_default_transport
from stratus.provision import create_bus, create_table
from tests.unit.functions.rbac.support import FakeCache


@pytest.fixture(autouse=True)
def _rbac_table() -> Iterator[None]:
    roles._definitions.clear()  # each test is a fresh container over a fresh table
    with mock_aws():
        create_table(Table("rbac"))
        create_table(OUTBOX_TABLE)  # events are staged with the writes that cause them
        create_bus()
        yield


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
