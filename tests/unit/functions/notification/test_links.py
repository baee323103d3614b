"""The account-link emails (`messages-send`: the gateway hands over the token, the link is built and
mailed once per key, nothing keeps the token) and the tenants' own wording of templates (`templates-put`,
used for the links and for the welcome)."""

from __future__ import annotations

from typing import Any

import pytest

from functions.notification import messages_send, ports, templates_put
from tests.kit import call, user
from tests.unit.functions.notification.conftest import given_users, mail_to, sent_mail, sent_sms, user_created
from tests.unit.functions.notification.fakes import FakeNotificationStore

TOKEN = "acme.t_0192f7a1c2d3e4f5a6b7c8d9e0f1a2b3." + "S" * 43
ADMIN = user("u_admin", permissions=("*",))
MEMBER = user("u_member", permissions=("user.read", "notification.read"), roles=("member",))


def send(**change: Any) -> tuple[int, dict[str, Any]]:
    body = {
        "tenantId": "acme",
        "template": "password_reset",
        "to": "Jane@Acme.io",
        "key": "t_0192f7a1c2d3e4f5a6b7c8d9e0f1a2b3",
        "token": TOKEN,
        "values": {"expiresAt": "2030-01-01T00:30:00Z"},
        **change,
    }
    return call(messages_send, body=body, service="gateway")


def put_template(name: str, text: dict[str, Any], caller: Any = ADMIN) -> tuple[int, dict[str, Any]]:
    return call(templates_put, params={"name": name}, body=text, caller=caller)


def whole_table() -> str:
    """Everything the store and the inbox hold (the deliveries, the inbox items, the projection)."""
    store = ports.store()
    assert isinstance(store, FakeNotificationStore)
    return repr(vars(store)) + repr(vars(ports.inbox()))


# --- messages-send -----------------------------------------------------------------------------------
def test_a_reset_link_is_mailed_once_with_its_token_as_the_token_query_parameter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRATUS_APP_URL", "https://app.example.com/")
    status, payload = send()
    assert (status, payload["data"]) == (200, {"delivered": True})
    [mail] = mail_to("jane@acme.io")
    assert mail.subject == "Reset your password for acme"
    assert f"https://app.example.com/reset-password?token={TOKEN}" in mail.body
    assert "2030-01-01T00:30:00Z" in mail.body
    # AND a retried call (same key) answers the same and sends nothing more
    assert send()[1]["data"] == {"delivered": True}
    assert len(mail_to("jane@acme.io")) == 1


def test_the_token_is_kept_nowhere_no_sms_no_inbox_item_not_in_the_delivery_record() -> None:
    # GIVEN jane is a user with a phone and every channel on
    given_users(user_created("u_jane", "jane@acme.io", profile={"phone": "+15555550100"}))
    ports.store().set_preferences("acme", "u_jane", {"sms": True})
    before = len(sent_mail())
    # WHEN her reset link is sent
    assert send()[0] == 200
    # THEN one email, no SMS, and the table (inbox, deliveries) holds no trace of the token
    assert len(sent_mail()) == before + 1
    assert sent_sms() == []
    assert TOKEN.split(".")[2] not in whole_table()
    assert "password_reset" in whole_table()  # the delivery is recorded by template name


@pytest.mark.parametrize(
    ("template", "page", "values"),
    [
        ("verify_email", "verify-email", {"expiresAt": "2030-01-02T00:00:00Z"}),
        ("invitation", "accept-invitation", {"expiresAt": "2030-01-08T00:00:00Z", "roles": "member"}),
    ],
)
def test_each_link_template_points_at_its_page(template: str, page: str, values: dict[str, str]) -> None:
    assert send(template=template, values=values)[0] == 200
    [mail] = mail_to("jane@acme.io")
    assert f"/{page}?token={TOKEN}" in mail.body


@pytest.mark.parametrize("template", ["password_reset_unknown", "verify_email_unneeded"])
def test_the_no_account_notices_carry_no_link(template: str) -> None:
    assert send(template=template, token=None, values={})[0] == 200
    [mail] = mail_to("jane@acme.io")
    assert "token=" not in mail.body
    assert "acme" in mail.body


def test_a_link_message_without_its_token_or_a_variable_is_400() -> None:
    status, payload = send(token=None)
    assert (status, payload["error"]["field"]) == (400, "token")
    status, payload = send(values={})
    assert (status, payload["error"]["field"]) == (400, "values")
    assert sent_mail() == []


@pytest.mark.parametrize(
    "change",
    [{"template": "welcome"}, {"to": "not-an-email"}, {"key": "a#b"}, {"tenantId": "ACME"}, {"extra": 1}],
)
def test_bad_requests_are_400(change: dict[str, Any]) -> None:
    assert send(**change)[0] == 400


def test_only_services_may_send() -> None:
    status, _ = call(messages_send, body={"tenantId": "acme"}, caller=ADMIN)
    assert status == 401


# --- templates-put -----------------------------------------------------------------------------------
def test_a_tenant_admin_rewords_the_reset_mail_for_its_tenant_only() -> None:
    text = {"subject": "ACME password reset", "body": "Hi {{email}}, go to {{link}} before {{expiresAt}}."}
    status, payload = put_template("password_reset", text)
    assert status == 200, payload
    assert payload["data"]["overridden"] is True
    assert "link" in payload["data"]["variables"]
    assert send()[0] == 200
    assert send(tenantId="globex", key="t_other")[0] == 200
    acme, globex = mail_to("jane@acme.io")
    assert acme.subject == "ACME password reset"
    link = f"http://localhost:3000/reset-password?token={TOKEN}"
    assert acme.body == f"Hi jane@acme.io, go to {link} before 2030-01-01T00:30:00Z."
    assert globex.subject == "Reset your password for globex"


def test_the_welcome_uses_the_tenants_wording_too() -> None:
    assert (
        put_template("welcome", {"subject": "Welcome aboard, {{name}}", "body": "Glad to have you."})[0]
        == 200
    )
    given_users(user_created("u_jane", "jane@acme.io", profile={"name": "Jane"}))
    [mail] = mail_to("jane@acme.io")
    assert (mail.subject, mail.body) == ("Welcome aboard, Jane", "Glad to have you.")


@pytest.mark.parametrize(
    ("name", "text", "status"),
    [
        ("password_reset", {"subject": "Reset", "body": "No link here"}, 400),
        ("password_reset", {"subject": "Reset", "body": "{{link}} {{secret}}"}, 400),
        ("job_failed", {"subject": "x", "body": "y"}, 404),
        ("nope", {"subject": "x", "body": "y"}, 404),
        ("welcome", {"subject": "two\nlines", "body": "y"}, 400),
        ("welcome", {"subject": "", "body": "y"}, 400),
        ("welcome", {"subject": "x", "body": "y", "extra": 1}, 400),
    ],
)
def test_a_template_may_use_only_its_variables_and_keep_its_link(
    name: str, text: dict[str, Any], status: int
) -> None:
    assert put_template(name, text)[0] == status


def test_a_member_without_notification_manage_cannot_reword() -> None:
    status, payload = put_template("welcome", {"subject": "x", "body": "y"}, MEMBER)
    assert (status, payload["error"]["code"]) == (403, "PERMISSION_DENIED")
