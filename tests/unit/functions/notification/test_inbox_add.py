"""`inbox-add`: another service (an app of a higher layer: the health app's alerts) puts one in-app notice
in a user's inbox, once per key, per the user's in-app preference; the item announces itself
(notification.created, which realtime pushes) in its own transaction."""

from __future__ import annotations

from typing import Any

import pytest

from functions.notification import inbox_add, preferences_put
from shared.events import publisher
from shared.events.model import ServiceEvent
from tests.kit import call, error_code, user
from tests.unit.functions.notification.conftest import inbox_items, sent_mail, sent_sms

NOTICE = {
    "tenantId": "acme",
    "userId": "u_ann",
    "key": "health_alert_0123456789abcdef",
    "type": "health_alert",
    "title": "Heart rate out of range",
    "body": "Your heart rate reading measured at 2026-01-01T08:00:00Z is outside its reference range.",
}


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    sent: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *events: sent.extend(events))
    return sent


def add(caller: str = "health", **change: Any) -> tuple[int, dict[str, Any]]:
    return call(inbox_add, body={**NOTICE, **change}, service=caller)


def test_an_apps_notice_lands_in_the_users_inbox_once_and_announces_itself(
    published: list[ServiceEvent],
) -> None:
    # WHEN the health app asks for a notice for ann of acme
    status, body = add()
    assert (status, body["data"]) == (200, {"delivered": True})
    # THEN ann's inbox holds it, unread, and notification.created carries it (realtime pushes it)
    [item] = inbox_items("acme", "u_ann")
    assert (item["type"], item["title"], item["body"], item["read"]) == (
        "health_alert",
        NOTICE["title"],
        NOTICE["body"],
        False,
    )
    [created] = [e for e in published if e.type == "notification.created"]
    assert (created.tenant_id, created.data["userId"]) == ("acme", "u_ann")
    assert created.data["notificationId"] == item["notificationId"]
    # AND no email, no SMS: the route is the inbox's
    assert sent_mail() == []
    assert sent_sms() == []
    # AND the same key again (a redelivered alert) answers the same and adds nothing
    assert add()[1]["data"] == {"delivered": True}
    assert len(inbox_items("acme", "u_ann")) == 1
    assert len([e for e in published if e.type == "notification.created"]) == 1


def test_a_notice_goes_to_its_tenants_user_only() -> None:
    assert add()[0] == 200
    assert inbox_items("globex", "u_ann") == []
    assert inbox_items("acme", "u_bob") == []


def test_a_user_who_turned_in_app_off_gets_nothing() -> None:
    ann = user("u_ann", permissions=("notification.read",), roles=("member",))
    assert call(preferences_put, caller=ann, body={"inApp": False})[0] == 200
    assert add()[1]["data"] == {"delivered": False}
    assert inbox_items("acme", "u_ann") == []


@pytest.mark.parametrize(
    "change",
    [
        {"tenantId": "Not A Tenant"},
        {"userId": "u#1"},
        {"key": "has#hash"},
        {"type": "Welcome!"},
        {"title": ""},
        {"title": "two\nlines"},
        {"body": "x" * 5001},
        {"extra": 1},
    ],
)
def test_a_malformed_request_is_400(change: dict[str, Any]) -> None:
    status, body = add(**change)
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")
    assert inbox_items("acme", "u_ann") == []


def test_only_services_may_call_it_not_users() -> None:
    status, _ = call(inbox_add, body=NOTICE, caller=user("u_ann", permissions=("*",)))
    assert status in (401, 403)
    assert inbox_items("acme", "u_ann") == []
