"""Fixtures of the notification tests. Domain tests run on the in-memory store, inbox, providers and
outbox (tests/unit/functions/notification/fakes.py) and the kernel subscriber's idempotency in memory
(tests/fakes/idempotency.py): no moto. Tests that ask for `dynamodb` — the store's own guarantees — get
the real store and inbox over moto's `notifications` table, with the outbox table and a bus."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
from moto import mock_aws

from functions.notification import ports, subscriber
from functions.notification.manifest import SERVICE
from shared.declarations import OUTBOX_TABLE
from shared.events import publisher
from shared.events.model import ServiceEvent
from stratus.provision import create_bus, create_table
from tests.fakes import idempotency
from tests.fakes.outbox import InMemoryOutbox
from tests.kit import deliver, event
from tests.unit.functions.notification.fakes import FakeInbox, FakeNotificationStore, FakeProviders, Mail


@pytest.fixture
def dynamodb() -> Iterator[None]:
    """The real store and inbox over moto's DynamoDB, with the outbox table and a bus."""
    with mock_aws():
        for table in SERVICE.tables:
            create_table(table)
        create_table(OUTBOX_TABLE)  # an in-app item's event is staged with it
        create_bus()
        yield


@pytest.fixture
def fake_outbox() -> InMemoryOutbox:
    return InMemoryOutbox()


@pytest.fixture
def notification_store() -> FakeNotificationStore:
    return FakeNotificationStore()


@pytest.fixture
def providers() -> FakeProviders:
    return FakeProviders()


@pytest.fixture(autouse=True)
def fakes_in_ports(
    request: pytest.FixtureRequest,
    notification_store: FakeNotificationStore,
    fake_outbox: InMemoryOutbox,
    providers: FakeProviders,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[None]:
    """The in-memory adapters in the ports (not for tests that asked for `dynamodb`), and the kernel
    subscriber's idempotency in memory."""
    idempotency.in_memory(monkeypatch, subscriber)
    if "dynamodb" in request.fixturenames:
        yield
        return
    inbox = FakeInbox(notification_store, fake_outbox)
    with (
        ports.store.replaced(notification_store),
        ports.inbox.replaced(inbox),
        ports.providers.replaced(providers),
        ports.outbox.replaced(fake_outbox),
    ):
        yield


@pytest.fixture(autouse=True)
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    """What the service published, in order (the bus itself is not read back)."""
    sent: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *events: sent.extend(events))
    return sent


# --- what the providers were asked to send ----------------------------------------------------------
def _providers() -> FakeProviders:
    return cast(FakeProviders, ports.providers())


def sent_mail() -> list[Mail]:
    return list(_providers().mail)


def mail_to(address: str) -> list[Mail]:
    return [m for m in sent_mail() if address in m.to]


def sent_sms() -> list[tuple[str, str]]:
    return list(_providers().sms)


# --- building the world through events (the projection is the service's only source) ----------------
def user_created(
    user_id: str,
    email: str,
    *,
    tenant: str = "acme",
    roles: tuple[str, ...] = ("member",),
    profile: dict[str, Any] | None = None,
) -> Any:
    data: dict[str, Any] = {"userId": user_id, "email": email, "tenantId": tenant, "roles": list(roles)}
    if profile is not None:
        data["profile"] = profile
    return event("user.created", data, tenant_id=tenant, user_id=user_id)


def given_users(*events: Any) -> None:
    assert deliver(subscriber, events) == []


def inbox_items(tenant: str, user_id: str) -> list[dict[str, Any]]:
    """The user's inbox, newest first, as the inbox route lists it."""
    items = ports.inbox().page(tenant, user_id, unread=False, page_size=100, cursor=None)[0]
    return [
        {
            "notificationId": i.notification_id,
            "type": i.type,
            "title": i.title,
            "body": i.body,
            "read": i.read,
            "createdAt": i.created_at,
        }
        for i in items
    ]
