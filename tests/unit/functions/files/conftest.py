"""The files service under moto: its table, the bucket, a captured event bus, and fake rbac and tenants
(a small storage ledger that reserves and releases like the real tenants service)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from functions.files.manifest import SERVICE
from shared.declarations import OUTBOX_TABLE
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import set_default_transport
from stratus.provision import create_bucket, create_table
from tests.kit import FakeServices
from tests.unit.functions.files.support import Ledger


@pytest.fixture(autouse=True)
def aws_resources() -> Iterator[None]:
    # No bus: `published` captures every event before PutEvents, and an EventBridge client costs each
    # test another ~0.1 s of botocore model loading.
    with mock_aws():
        create_table(SERVICE.tables[0])
        create_table(OUTBOX_TABLE)  # events are staged with the writes that cause them
        create_bucket()
        yield


@pytest.fixture(autouse=True)
def ledger() -> Ledger:
    return Ledger()


@pytest.fixture(autouse=True)
def services(ledger: Ledger) -> Iterator[FakeServices]:
    fake = ledger.install(FakeServices())
    set_default_transport(fake)
    yield fake
    set_default_transport(None)


@pytest.fixture(autouse=True)
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    events: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *sent: events.extend(sent))
    return events
