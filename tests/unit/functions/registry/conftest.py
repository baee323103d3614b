"""Fixtures of the registry tests. Domain tests run on the in-memory store and outbox
(tests/unit/functions/registry/fakes.py) and the kernel subscriber's idempotency in memory
(tests/fakes/idempotency.py): no moto. Tests that ask for `dynamodb` — the store's own guarantees, and the
subscriber's backoff on a real queue — get the real store over moto's `registry` table and outbox table.
A captured bus; callers as the authorizer hands them over."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from functions.registry import in_repo, ports, subscriber
from functions.registry.manifest import SERVICE
from shared.declarations import OUTBOX_TABLE
from shared.events import publisher
from shared.events.model import ServiceEvent
from stratus.provision import create_table
from tests.fakes import idempotency
from tests.fakes.outbox import InMemoryOutbox
from tests.kit import user
from tests.unit.functions.registry.fakes import FakeRegistryStore

ROOT = user("u_root", tenant="platform")  # a platform admin
ACME_ADMIN = user("u_acme_admin", tenant="acme")
GLOBEX_ADMIN = user("u_globex_admin", tenant="globex")
MEMBER = user("u_member", tenant="acme", permissions=("user.read", "file.read"), roles=("member",))


@pytest.fixture
def dynamodb() -> Iterator[None]:
    """The real store over moto's DynamoDB (and moto's other services), with the outbox table."""
    with mock_aws():
        for table in (*SERVICE.tables, OUTBOX_TABLE):
            create_table(table)
        yield


@pytest.fixture
def fake_outbox() -> InMemoryOutbox:
    return InMemoryOutbox()


@pytest.fixture(autouse=True)
def registry_store(
    request: pytest.FixtureRequest, fake_outbox: InMemoryOutbox, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeRegistryStore]:
    """The in-memory store and outbox in the ports (not for tests that asked for `dynamodb`), the kernel
    subscriber's idempotency in memory, and the pepper secrets are stored under."""
    monkeypatch.setenv("STRATUS_SECRET_PEPPER", "test-pepper")
    idempotency.in_memory(monkeypatch, subscriber)
    fake = FakeRegistryStore(fake_outbox)
    if "dynamodb" in request.fixturenames:
        yield fake
        return
    with ports.store.replaced(fake), ports.outbox.replaced(fake_outbox):
        yield fake


@pytest.fixture(autouse=True)
def no_in_repo_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry's own tests see no in-repo app unless they deploy one (test_in_repo_apps.py)."""
    monkeypatch.setattr(in_repo, "apps", dict)


@pytest.fixture(autouse=True)
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    events: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *sent: events.extend(sent))
    return events
