"""An in-app item announces itself (notification.created, for the realtime service to push), staged in the
item's own transaction: published once with the item, never without it."""

from __future__ import annotations

import pytest

from functions.notification import subscriber
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from tests.fakes import idempotency
from tests.fakes.outbox import InMemoryOutbox
from tests.kit import deliver
from tests.unit.functions.notification.conftest import inbox_items, user_created


def test_a_new_inbox_item_publishes_notification_created_with_the_item(published: list[ServiceEvent]) -> None:
    # WHEN a welcome lands in a new user's inbox
    welcome = user_created("u_ada", "ada@acme.io")
    assert deliver(subscriber, [welcome]) == []
    # THEN one notification.created names the user and carries the inbox item as the inbox lists it
    [item] = inbox_items("acme", "u_ada")
    [created] = [e for e in published if e.type == "notification.created"]
    assert (created.tenant_id, created.user_id, created.source) == ("acme", "u_ada", "notification")
    listed = {k: item[k] for k in ("notificationId", "type", "title", "body", "read", "createdAt")}
    assert created.data == {"userId": "u_ada", **listed}
    # AND a redelivery of the same event adds no item and announces nothing again
    idempotency.forget(subscriber)  # the kernel forgets the event id: only the write guards
    assert deliver(subscriber, [welcome]) == []
    assert len([e for e in published if e.type == "notification.created"]) == 1


def test_when_the_bus_is_down_the_event_waits_in_the_outbox(
    monkeypatch: pytest.MonkeyPatch, fake_outbox: InMemoryOutbox
) -> None:
    def down(*_: ServiceEvent) -> None:
        raise QueueUnavailable("bus down")

    monkeypatch.setattr(publisher, "send", down)
    assert deliver(subscriber, [user_created("u_bob", "bob@acme.io")]) == []
    assert len(inbox_items("acme", "u_bob")) == 1
    assert [e.type for e in fake_outbox.pending] == ["notification.created"]
