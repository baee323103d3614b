"""The user routes (inbox, mark-read, preferences) and the internal alerts route."""

from __future__ import annotations

from typing import Any

import pytest

from functions.notification import (
    alerts_send,
    dispatch,
    inbox,
    mark_read,
    ports,
    preferences_get,
    preferences_put,
)
from functions.notification.recipients import Recipient
from functions.notification.templates import WELCOME
from shared.config import settings
from tests.kit import call, error_code, user
from tests.unit.functions.notification.conftest import given_users, mail_to, sent_mail, user_created

JANE = user(
    "u_jane", permissions=("user.read", "file.read", "file.upload", "notification.read"), roles=("member",)
)


def notify(user_id: str, n: int, *, tenant: str = "acme") -> None:
    """Put `n` messages in a user's inbox, as deliveries do (email off: only the inbox is wanted here)."""
    ports.store().set_preferences(tenant, user_id, {"email": False})
    for i in range(n):
        message = WELCOME.render({"name": f"#{i}", "email": "x@acme.io", "tenantId": tenant})
        dispatch.deliver(
            tenant, f"evt_{user_id}_{i}", message, [Recipient(email="x@acme.io", user_id=user_id)]
        )


def page(query: dict[str, str] | None = None, caller: Any = JANE) -> tuple[int, dict[str, Any]]:
    return call(inbox, query=query, caller=caller)


# --- inbox -------------------------------------------------------------------------------------------
def test_the_inbox_pages_newest_first_with_the_maintained_total() -> None:
    # GIVEN five messages for jane and one for another user
    notify("u_jane", 5)
    notify("u_other", 1)
    # WHEN she reads two at a time
    seen: list[str] = []
    status, body = page({"pageSize": "2"})
    while True:
        assert status == 200
        assert body["pagination"]["total"] == 5
        seen += [item["body"].split(",")[0] for item in body["data"]]
        if not body["pagination"]["hasNext"]:
            break
        status, body = page({"pageSize": "2", "cursor": body["pagination"]["nextCursor"]})
    # THEN she sees her own five, newest first, each once
    assert seen == [f"Hello #{i}" for i in (4, 3, 2, 1, 0)]
    assert body["pagination"]["page"] == 3
    assert body["pagination"]["totalPages"] == 3
    assert set(body["data"][0]) == {"notificationId", "type", "title", "body", "read", "createdAt"}


def test_unread_filter_and_mark_read() -> None:
    notify("u_jane", 3)
    _, body = page()
    newest, middle = body["data"][0]["notificationId"], body["data"][1]["notificationId"]
    # WHEN she marks one read, twice
    for _ in range(2):
        status, _empty = call(mark_read, params={"notificationId": middle}, caller=JANE)
        assert status == 204
    # THEN the unread view lacks it and counts two (marking twice did not count twice)
    _, unread = page({"unread": "true"})
    assert [i["notificationId"] for i in unread["data"]] == [newest, body["data"][2]["notificationId"]]
    assert unread["pagination"]["total"] == 2
    _, everything = page()
    assert everything["pagination"]["total"] == 3
    assert [i["read"] for i in everything["data"]] == [False, True, False]
    # AND the unread view pages too
    _, first = page({"unread": "true", "pageSize": "1"})
    _, second = page({"unread": "true", "pageSize": "1", "cursor": first["pagination"]["nextCursor"]})
    assert [first["data"][0]["notificationId"], second["data"][0]["notificationId"]] == [
        i["notificationId"] for i in unread["data"]
    ]
    assert second["pagination"]["hasNext"] is False


def test_another_users_or_an_unknown_notification_is_not_found() -> None:
    # GIVEN a notification of another user of the same tenant
    notify("u_other", 1)
    [item] = ports.inbox().page("acme", "u_other", unread=False, page_size=10, cursor=None)[0]
    theirs = item.notification_id
    # WHEN jane (or someone in another tenant with the same user id) tries to mark it read
    for caller in (JANE, user("u_other", tenant="globex")):
        status, body = call(mark_read, params={"notificationId": theirs}, caller=caller)
        assert (status, error_code(body)) == (404, "NOT_FOUND")
    for bogus in ("n_123", "n_0000000000000zzzzzzzzzzzzzzzz", "x" * 40):
        status, body = call(mark_read, params={"notificationId": bogus}, caller=JANE)
        assert (status, error_code(body)) == (404, "NOT_FOUND")
    # THEN it is still unread
    assert ports.inbox().counts("acme", "u_other") == (1, 1)


def test_a_cursor_of_another_inbox_or_view_is_refused() -> None:
    notify("u_other", 3)
    other = user("u_other", permissions=("notification.read",))
    _, body = page({"pageSize": "1"}, caller=other)
    cursor = body["pagination"]["nextCursor"]
    status, refused = page({"pageSize": "1", "cursor": cursor})
    assert (status, refused["error"]["field"]) == (400, "cursor")
    status, refused = page({"pageSize": "1", "cursor": cursor, "unread": "true"}, caller=other)
    assert (status, refused["error"]["field"]) == (400, "cursor")


def test_the_inbox_needs_notification_read() -> None:
    status, body = page(caller=user("u_jane", permissions=("user.read",), roles=("custom",)))
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")


# --- preferences -------------------------------------------------------------------------------------
def test_preferences_default_and_change_only_what_is_given() -> None:
    status, body = call(preferences_get, caller=JANE)
    assert (status, body["data"]) == (200, {"email": True, "sms": False, "inApp": True})
    status, body = call(preferences_put, body={"sms": True}, caller=JANE)
    assert (status, body["data"]) == (200, {"email": True, "sms": True, "inApp": True})
    status, body = call(preferences_put, body={"inApp": False, "email": False}, caller=JANE)
    assert body["data"] == {"email": False, "sms": True, "inApp": False}
    # AND they are the caller's own: another user still has the defaults
    _, other = call(preferences_get, caller=user("u_other"))
    assert other["data"] == {"email": True, "sms": False, "inApp": True}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "true"}, "email"),
        ({"sms": 1}, "sms"),
        ({"inApp": None}, "inApp"),
        ({"push": True}, "push"),
    ],
)
def test_preferences_are_strict_booleans_and_nothing_else(body: dict[str, Any], field: str) -> None:
    status, answer = call(preferences_put, body=body, caller=JANE)
    assert (status, error_code(answer), answer["error"]["field"]) == (400, "INVALID_REQUEST", field)
    assert call(preferences_get, caller=JANE)[1]["data"] == {"email": True, "sms": False, "inApp": True}


# --- alerts ------------------------------------------------------------------------------------------
def test_an_alert_goes_to_platform_admins_recipients_and_operators_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRATUS_ALERT_EMAILS", "ops@stratus.io")
    settings.cache_clear()
    given_users(user_created("u_root", "root@stratus.io", tenant="platform", roles=("tenant_admin",)))
    alert = {
        "alertType": "job_failure",
        "severity": "warning",
        "jobId": "job_7",
        "message": "File cleanup job failed",
        "recipients": ["Admin@Company.com"],
    }
    # WHEN the runner sends it, and sends it again (a retry)
    first = call(alerts_send, body=alert, service="files")
    again = call(alerts_send, body=alert, service="files")
    # THEN each address got it once (root by email and in-app), and both calls answer the same count
    assert first[0] == 200
    assert first[1]["data"] == {"delivered": 4}
    assert again[1]["data"] == {"delivered": 4}
    alerts = [m for m in sent_mail() if m.subject == "[warning] job_failure"]
    assert sorted(a for m in alerts for a in m.to) == [
        "admin@company.com",
        "ops@stratus.io",
        "root@stratus.io",
    ]
    assert "File cleanup job failed" in mail_to("ops@stratus.io")[0].body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"severity": "fatal"}, "severity"),
        ({"recipients": ["not-an-email"]}, "recipients.0"),
        ({"x": 1}, "x"),
    ],
)
def test_a_bad_alert_is_refused(change: dict[str, Any], field: str) -> None:
    alert = {"alertType": "job_failure", "severity": "info", "message": "m", **change}
    status, body = call(alerts_send, body=alert, service="files")
    assert (status, body["error"]["field"]) == (400, field)


def test_alerts_need_a_service_token() -> None:
    status, _body = call(
        alerts_send, body={"alertType": "a", "severity": "info", "message": "m"}, caller=JANE
    )
    assert status == 401
    assert sent_mail() == []
