"""The store contract (`ports.NotificationStore`, `ports.InboxStore`) on both adapters: the DynamoDB store
and inbox over moto and the in-memory fakes the domain tests use. The conditions the domain relies on
(a delivery claimed once, an inbox item and its counts written once, an item read once) hold on both."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from functions.notification import inbox_store as dynamodb_inbox
from functions.notification import store as dynamodb_store
from functions.notification.notification_ids import new_notification_id
from functions.notification.ports import (
    Delivery,
    DeliveryRecord,
    InboxRecord,
    InboxStore,
    NotificationStore,
    RecipientRecord,
    TemplateOverride,
)
from shared import outbox
from shared.errors import InvalidRequest
from shared.events import publisher
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox
from tests.unit.functions.notification.fakes import FakeInbox, FakeNotificationStore

TENANT = "acme"


@dataclass
class Adapter:
    store: NotificationStore
    inbox: InboxStore
    pending: Callable[[], int]


@pytest.fixture(params=["fake", "dynamodb"])
def adapter(request: pytest.FixtureRequest, fake_outbox: InMemoryOutbox) -> Adapter:
    if request.param == "fake":
        store = FakeNotificationStore()
        return Adapter(store, FakeInbox(store, fake_outbox), lambda: len(fake_outbox.pending))
    request.getfixturevalue("dynamodb")
    return Adapter(dynamodb_store, dynamodb_inbox, outbox.pending_count)


def item(text: str, key: str) -> InboxRecord:
    notification_id, created_at = new_notification_id()
    return InboxRecord(notification_id, "welcome", text, f"{text} body", created_at, event_id=key)


def created(user_id: str, entry: InboxRecord) -> ServiceEvent:
    data = {
        "userId": user_id,
        "notificationId": entry.notification_id,
        "type": entry.type,
        "title": entry.title,
        "body": entry.body,
        "createdAt": entry.created_at,
        "read": False,
    }
    return publisher.build("notification.created", data, source="notification", tenant_id=TENANT)


# --- preferences and the projection ------------------------------------------------------------------
def test_preferences_change_only_the_channels_given_and_are_per_user(adapter: Adapter) -> None:
    assert adapter.store.preferences(TENANT, "u_1") == {}
    adapter.store.set_preferences(TENANT, "u_1", {"sms": True})
    adapter.store.set_preferences(TENANT, "u_1", {"inApp": False, "email": False})
    adapter.store.set_preferences(TENANT, "u_1", {})
    assert adapter.store.preferences(TENANT, "u_1") == {"sms": True, "inApp": False, "email": False}
    assert adapter.store.preferences("globex", "u_1") == {}
    adapter.store.delete_preferences(TENANT, "u_1")
    assert adapter.store.preferences(TENANT, "u_1") == {}


def test_a_recipient_is_upserted_field_by_field_and_dropped_fields_go(adapter: Adapter) -> None:
    # GIVEN a role change seen before the user's creation (an upsert of `admin` alone)
    assert adapter.store.update_recipient(TENANT, "u_1", put={"admin": True}) == RecipientRecord(
        "u_1", admin=True
    )
    # WHEN the creation arrives with contact details, then a profile change drops the phone
    adapter.store.update_recipient(TENANT, "u_1", put={"email": "a@acme.io", "phone": "+15550001111"})
    after = adapter.store.update_recipient(TENANT, "u_1", put={"name": "Ann"}, drop=["phone"])
    # THEN the recipient holds all of it but the phone
    assert after == RecipientRecord("u_1", email="a@acme.io", name="Ann", admin=True)
    assert adapter.store.recipient(TENANT, "u_1") == after
    assert adapter.store.update_recipient(TENANT, "u_1", put={}) == after
    assert adapter.store.recipient("globex", "u_1") is None
    adapter.store.delete_recipient(TENANT, "u_1")
    assert adapter.store.recipient(TENANT, "u_1") is None


def test_the_admin_list_is_per_tenant(adapter: Adapter) -> None:
    adapter.store.put_admin(TENANT, "u_2", email="b@acme.io", phone="+15550002222")
    adapter.store.put_admin(TENANT, "u_1", email="a@acme.io", phone=None)
    adapter.store.put_admin("globex", "u_9", email="z@globex.io", phone=None)
    adapter.store.put_admin(TENANT, "u_1", email="a2@acme.io", phone=None)  # replaced, not added
    assert adapter.store.admins(TENANT) == [
        RecipientRecord("u_1", email="a2@acme.io"),
        RecipientRecord("u_2", email="b@acme.io", phone="+15550002222"),
    ]
    adapter.store.delete_admin(TENANT, "u_2")
    adapter.store.delete_admin(TENANT, "u_2")  # absent: fine
    assert [a.user_id for a in adapter.store.admins(TENANT)] == ["u_1"]


# --- deliveries --------------------------------------------------------------------------------------
def test_a_delivery_is_claimed_once_and_a_sent_one_never_again(adapter: Adapter) -> None:
    email = Delivery(TENANT, "evt_1", "email#u_1")
    assert adapter.store.claim(email, template="welcome") is True
    assert adapter.store.claim(email, template="welcome") is False  # another invocation is sending it
    adapter.store.finish(email, status="sent", provider_id="ses-1")
    assert adapter.store.delivery(email) == DeliveryRecord("sent", "welcome", provider_id="ses-1")
    assert adapter.store.claim(email, template="welcome") is False
    # AND a skip record never replaces a delivery's record
    adapter.store.record_skipped(email, template="welcome", reason="preference")
    assert adapter.store.delivery(email) == DeliveryRecord("sent", "welcome", provider_id="ses-1")


def test_a_failed_delivery_or_a_stale_claim_may_be_claimed_again(
    adapter: Adapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    failed = Delivery(TENANT, "evt_1", "email#u_1")
    assert adapter.store.claim(failed, template="welcome")
    adapter.store.finish(failed, status="failed", error="SES: Throttling")
    assert adapter.store.delivery(failed) == DeliveryRecord("failed", "welcome", error="SES: Throttling")
    assert adapter.store.claim(failed, template="welcome") is True
    # WHEN a claim's invocation died, the claim is taken over only once it is stale
    dead = Delivery(TENANT, "evt_2", "sms#u_1")
    assert adapter.store.claim(dead, template="welcome")
    assert adapter.store.claim(dead, template="welcome") is False
    later = time.time() + dynamodb_store.STALE_CLAIM_SECONDS + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert adapter.store.claim(dead, template="welcome") is True


def test_a_skipped_channel_is_recorded_once(adapter: Adapter) -> None:
    sms = Delivery(TENANT, "evt_1", "sms#u_1")
    assert adapter.store.delivery(sms) is None
    adapter.store.record_skipped(sms, template="welcome", reason="no phone")
    adapter.store.record_skipped(sms, template="welcome", reason="preference")
    assert adapter.store.delivery(sms) == DeliveryRecord("skipped", "welcome", error="no phone")
    assert adapter.store.delivery(Delivery("globex", "evt_1", "sms#u_1")) is None


def test_a_tenants_template_override_is_its_own(adapter: Adapter) -> None:
    override = TemplateOverride("ACME reset", "Go to {{link}}", "2026-01-01T00:00:00Z", "u_admin")
    adapter.store.put_template_override(TENANT, "password_reset", override)
    assert adapter.store.template_override(TENANT, "password_reset") == override
    assert adapter.store.template_override("globex", "password_reset") is None
    assert adapter.store.template_override(TENANT, "welcome") is None


# --- the inbox ---------------------------------------------------------------------------------------
def test_an_item_its_counts_its_delivery_and_its_event_are_written_once(adapter: Adapter) -> None:
    delivery = Delivery(TENANT, "evt_1", "inApp#u_1")
    entry = item("Hello", "evt_1")
    event = created("u_1", entry)
    assert adapter.inbox.add(TENANT, "u_1", entry, delivery=delivery, template="welcome", events=[event])
    assert adapter.pending() == 1  # staged with the item: released (or drained) after the commit
    # WHEN the same delivery is tried again (a redelivered event makes a new item id)
    again = item("Hello", "evt_1")
    assert not adapter.inbox.add(
        TENANT, "u_1", again, delivery=delivery, template="welcome", events=[created("u_1", again)]
    )
    # THEN one item, one count, one event, and the delivery is `sent` with the item's id
    assert adapter.inbox.page(TENANT, "u_1", unread=False, page_size=10, cursor=None) == ([entry], None)
    assert adapter.inbox.counts(TENANT, "u_1") == (1, 1)
    assert adapter.pending() == 1
    assert adapter.store.delivery(delivery) == DeliveryRecord(
        "sent", "welcome", provider_id=entry.notification_id
    )
    assert adapter.inbox.counts(TENANT, "u_2") == (0, 0)


def test_an_item_is_read_once_and_only_by_its_user(adapter: Adapter) -> None:
    entries = [item(f"#{n}", f"evt_{n}") for n in range(3)]
    for n, entry in enumerate(entries):
        delivery = Delivery(TENANT, f"evt_{n}", "inApp#u_1")
        assert adapter.inbox.add(TENANT, "u_1", entry, delivery=delivery, template="welcome")
    middle = entries[1]
    assert not adapter.inbox.mark_read(TENANT, "u_2", middle.notification_id, middle.created_at)
    assert not adapter.inbox.mark_read("globex", "u_1", middle.notification_id, middle.created_at)
    for _ in range(2):
        assert adapter.inbox.mark_read(TENANT, "u_1", middle.notification_id, middle.created_at)
    assert adapter.inbox.counts(TENANT, "u_1") == (3, 2)
    unread, _ = adapter.inbox.page(TENANT, "u_1", unread=True, page_size=10, cursor=None)
    assert [e.title for e in unread] == ["#2", "#0"]
    everything, _ = adapter.inbox.page(TENANT, "u_1", unread=False, page_size=10, cursor=None)
    assert [(e.title, e.read) for e in everything] == [("#2", False), ("#1", True), ("#0", False)]


@pytest.mark.parametrize("unread", [False, True])
def test_the_inbox_pages_newest_first_and_a_cursor_is_its_users_own(adapter: Adapter, unread: bool) -> None:
    for n in range(5):
        entry = item(f"#{n}", f"evt_{n}")
        adapter.inbox.add(
            TENANT, "u_1", entry, delivery=Delivery(TENANT, f"evt_{n}", "inApp#u_1"), template="w"
        )
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        found, cursor = adapter.inbox.page(TENANT, "u_1", unread=unread, page_size=2, cursor=cursor)
        seen += [e.title for e in found]
        pages += 1
        if cursor is None:
            break
        # AND the cursor leads nowhere else: not another user's inbox, not the other view
        with pytest.raises(InvalidRequest):
            adapter.inbox.page(TENANT, "u_2", unread=unread, page_size=2, cursor=cursor)
        with pytest.raises(InvalidRequest):
            adapter.inbox.page(TENANT, "u_1", unread=not unread, page_size=2, cursor=cursor)
    assert (seen, pages) == (["#4", "#3", "#2", "#1", "#0"], 3)
    # AND a full last page says so: no cursor to an empty page
    four, cursor = adapter.inbox.page(TENANT, "u_1", unread=unread, page_size=5, cursor=None)
    assert (len(four), cursor) == (5, None)


def test_on_dynamodb_an_items_event_waits_in_the_outbox_table_until_released(dynamodb: None) -> None:
    """What the bus-down domain test relies on, on the real tables: the entry is written with the item,
    so an event the bus refuses at write time is still there for the drain."""
    entry = item("Hello", "evt_1")
    event = created("u_1", entry)
    delivery = Delivery(TENANT, "evt_1", "inApp#u_1")
    assert dynamodb_inbox.add(TENANT, "u_1", entry, delivery=delivery, template="welcome", events=[event])
    assert outbox.pending_count() == 1
    assert outbox.release(event)  # the bus is up again (moto's): published, the entry gone
    assert outbox.pending_count() == 0
