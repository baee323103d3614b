"""Fixtures of the files tests: the in-memory store, bucket and outbox in the ports
(tests/unit/functions/files/fakes.py; tests that ask for `dynamodb` get the real store and bucket over
moto instead), a captured event bus, a tenant's configured types, and fake rbac and tenants (a small
storage ledger that reserves and releases like the real tenants service)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from functions.files import export_ports, ports
from functions.files.manifest import SERVICE
from shared import tenant_config
from shared.declarations import OUTBOX_TABLE
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import set_default_transport
from stratus.provision import create_bucket, create_table
from tests.fakes.outbox import InMemoryOutbox
from tests.kit import FakeServices
from tests.unit.functions.files.export_fakes import FakeExportBucket, FakeExportsStore
from tests.unit.functions.files.fakes import FakeBucket, FakeFilesStore
from tests.unit.functions.files.support import Ledger


@pytest.fixture
def dynamodb() -> Iterator[None]:
    """The real store and bucket over moto (the store's own guarantees, its access patterns)."""
    with mock_aws():
        create_table(SERVICE.tables[0])
        create_table(OUTBOX_TABLE)  # events are staged with the writes that cause them
        create_bucket()
        yield


@pytest.fixture
def fake_outbox() -> InMemoryOutbox:
    return InMemoryOutbox()


@pytest.fixture
def bucket() -> FakeBucket:
    return FakeBucket()


@pytest.fixture(autouse=True)
def files_store(
    request: pytest.FixtureRequest, fake_outbox: InMemoryOutbox, bucket: FakeBucket
) -> Iterator[FakeFilesStore]:
    """The in-memory store, bucket and outbox in the ports (not for tests that asked for `dynamodb`)."""
    fake = FakeFilesStore(fake_outbox)
    if "dynamodb" in request.fixturenames:
        yield fake
        return
    exports = FakeExportsStore(fake, fake_outbox)  # the exports' records and bucket (export_fakes.py)
    with (
        ports.store.replaced(fake),
        ports.objects.replaced(bucket),
        ports.outbox.replaced(fake_outbox),
        export_ports.store.replaced(exports),
        export_ports.bucket.replaced(FakeExportBucket(bucket)),
    ):
        yield fake


@pytest.fixture(autouse=True)
def tenant_settings(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], Any]:
    """Tenants' configuration documents as the config center answers them (`shared.tenant_config`)."""
    documents: dict[tuple[str, str], Any] = {}
    monkeypatch.setattr(
        tenant_config, "value", lambda tenant_id, key, default=None: documents.get((tenant_id, key), default)
    )
    return documents


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
