"""The gateway's account-link flows with their callees faked: forgot-password answers an unknown address
exactly like a known one after the same calls (one email either way), rate limits per address, the
invitation's guards run before anything is created, and acceptance reserves a seat (released on failure)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from functions.gateway import accept_invitation, forgot_password, invite, reset_password
from shared.service_client import set_default_transport
from tests.kit import FakeServices, call, error_code, refuse, user

TOKEN = "acme.t_0192f7a1c2d3e4f5a6b7c8d9e0f1a2b3." + "S" * 43
INVITE_TOKEN = "acme.inv_0192f7a1c2d3e4f5a6b7c8d9e0f1a2b3." + "S" * 43


@pytest.fixture
def services() -> Iterator[FakeServices]:
    fake = FakeServices()
    fake.on("tenants", "GET", r"/internal/tenants/acme/validate", lambda r, b: _validation())
    fake.on("notification", "POST", "/internal/messages/send", lambda r, b: {"delivered": True})
    set_default_transport(fake)
    yield fake
    set_default_transport(None)


def _validation() -> dict[str, Any]:
    return {"tenantId": "acme", "status": "active", "plan": "standard"}


def ticket(issued: bool) -> dict[str, Any]:
    found = {
        "issued": issued,
        "tokenId": "t_0192f7a1c2d3e4f5a6b7c8d9e0f1a2b3",
        "expiresAt": "2030-01-01T00:30:00Z",
    }
    return found | ({"token": TOKEN, "userId": "u_jane"} if issued else {})


def forgot(email: str, tenant: str = "acme") -> tuple[int, dict[str, Any]]:
    return call(forgot_password, body={"email": email, "tenantId": tenant})


def route_trail(services: FakeServices) -> list[tuple[str, str]]:
    return [(r.service, r.path) for r in services.requests]


def test_an_unknown_address_is_answered_exactly_like_a_known_one_after_the_same_calls(
    services: FakeServices,
) -> None:
    services.on(
        "users",
        "POST",
        "/internal/users/password-reset-request",
        lambda r, b: ticket(b["email"] == "jane@acme.io"),
    )
    known = forgot("jane@acme.io")
    known_trail = route_trail(services)
    services.requests.clear()
    unknown = forgot("nobody@acme.io")
    # THEN the same 202 and the same body (but for the request's own ids and timing)
    assert known[0] == unknown[0] == 202
    assert known[1]["data"] == unknown[1]["data"]
    assert known[1].keys() == unknown[1].keys()
    # AND the same calls: tenants, users, one email (the link, or the "no account" notice)
    assert known_trail == route_trail(services)
    sent = services.sent("notification")
    assert [s["template"] for s in sent] == ["password_reset_unknown"]
    assert "token" not in sent[0]


def test_the_known_address_gets_the_link_template_with_its_token(services: FakeServices) -> None:
    services.on("users", "POST", "/internal/users/password-reset-request", lambda r, b: ticket(True))
    assert forgot("jane@acme.io")[0] == 202
    [mail] = services.sent("notification")
    assert (mail["template"], mail["token"], mail["to"]) == ("password_reset", TOKEN, "jane@acme.io")
    assert mail["key"] == "t_0192f7a1c2d3e4f5a6b7c8d9e0f1a2b3"  # the delivery's key is the id, not the secret


def test_an_address_is_limited_to_5_mails_an_hour_whoever_asks(
    services: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.on("users", "POST", "/internal/users/password-reset-request", lambda r, b: ticket(False))
    answers = [forgot("target@acme.io")[0] for _ in range(6)]
    assert answers == [202] * 5 + [429]
    assert forgot("other@acme.io")[0] == 202  # another address has its own bucket
    assert len(services.sent("notification")) == 6


def test_an_unknown_tenant_is_404_and_nothing_is_mailed(services: FakeServices) -> None:
    services.on(
        "tenants",
        "GET",
        r"/internal/tenants/nowhere/validate",
        lambda r, b: (404, refuse("TENANT_NOT_FOUND")),
    )
    status, payload = forgot("jane@nowhere.io", "nowhere")
    assert (status, error_code(payload)) == (404, "TENANT_NOT_FOUND")
    assert services.sent("notification") == []


def test_reset_password_passes_the_tenant_the_client_named(services: FakeServices) -> None:
    services.on(
        "users", "POST", "/internal/users/password-reset", lambda r, b: {"userId": "u_j", "tenantId": "acme"}
    )
    body = {"token": TOKEN, "newPassword": "battery-staple-77"}
    assert call(reset_password, body=body, headers={"x-tenant-id": "globex"})[0] == 204
    assert services.sent("users")[-1]["tenantId"] == "globex"
    status, payload = call(reset_password, body=body, headers={"x-tenant-id": "Not A Tenant"})
    assert (status, error_code(payload)) == (401, "INVALID_TOKEN")
    status, payload = call(reset_password, body={"token": TOKEN, "newPassword": "weak"})
    assert (status, error_code(payload)) == (400, "INVALID_REQUEST")


# --- invitations -------------------------------------------------------------------------------------
def test_a_member_without_user_invite_is_403_before_anything_is_asked(services: FakeServices) -> None:
    member = user("u_m", permissions=("user.read",), roles=("member",))
    status, payload = call(invite, body={"email": "x@acme.io", "roles": ["member"]}, caller=member)
    assert (status, error_code(payload)) == (403, "PERMISSION_DENIED")
    assert services.requests == []


def test_inviting_to_a_role_above_the_inviters_is_403_and_nothing_is_created(services: FakeServices) -> None:
    services.on(
        "rbac", "POST", "/internal/roles/grant-check", lambda r, b: (403, refuse("INSUFFICIENT_PERMISSIONS"))
    )
    inviter = user("u_lead", permissions=("user.invite", "user.read"), roles=("inviter",))
    status, payload = call(invite, body={"email": "x@acme.io", "roles": ["tenant_admin"]}, caller=inviter)
    assert (status, error_code(payload)) == (403, "INSUFFICIENT_PERMISSIONS")
    # the guard is asked with the inviter's permissions, as the authorizer verified them
    assert services.sent("rbac") == [
        {"tenantId": "acme", "granterPermissions": ["user.invite", "user.read"], "roles": ["tenant_admin"]}
    ]
    assert services.sent("users") == []
    assert services.sent("notification") == []


def test_an_invitation_is_created_then_mailed_with_its_token(services: FakeServices) -> None:
    services.on(
        "rbac", "POST", "/internal/roles/grant-check", lambda r, b: {"roles": ["member"], "permissions": []}
    )
    invitation = {
        "invitationId": "inv_0192f7a1c2d3e4f5a6b7c8d9e0f1a2b3",
        "email": "x@acme.io",
        "roles": ["member"],
        "status": "pending",
        "expiresAt": "2030-01-08T00:00:00Z",
        "createdAt": "2030-01-01T00:00:00.000Z",
        "invitedBy": "u_admin",
    }
    services.on(
        "users",
        "POST",
        "/internal/invitations",
        lambda r, b: {"invitation": invitation, "token": INVITE_TOKEN},
    )
    status, payload = call(invite, body={"email": "X@acme.io", "roles": ["member"]}, caller=user())
    assert status == 201, payload
    assert payload["data"] == invitation
    assert INVITE_TOKEN not in json.dumps(payload)  # the token goes to the invitee's mail only
    [mail] = services.sent("notification")
    assert (mail["template"], mail["token"], mail["key"]) == (
        "invitation",
        INVITE_TOKEN,
        invitation["invitationId"],
    )
    assert mail["values"] == {"roles": "member", "expiresAt": "2030-01-08T00:00:00Z"}


def test_accepting_reserves_a_seat_and_releases_it_when_the_user_cannot_be_made(
    services: FakeServices,
) -> None:
    found = {"tenantId": "acme", "invitationId": "inv_x", "email": "x@acme.io", "roles": ["member"]}
    services.on("users", "POST", "/internal/invitations/lookup", lambda r, b: found)
    services.on(
        "tenants",
        "POST",
        r"/internal/tenants/acme/check-quota",
        lambda r, b: {"allowed": True, "used": 1, "limit": 10},
    )
    services.on(
        "users", "POST", "/internal/invitations/accept", lambda r, b: (409, refuse("USER_ALREADY_EXISTS"))
    )
    status, payload = call(accept_invitation, body={"token": INVITE_TOKEN, "password": "battery-staple-77"})
    assert (status, error_code(payload)) == (409, "USER_ALREADY_EXISTS")
    assert [b["operation"] for b in services.sent("tenants", "check-quota")] == ["reserve", "release"]


def test_accepting_past_max_users_is_403_and_no_user_is_made(services: FakeServices) -> None:
    found = {"tenantId": "acme", "invitationId": "inv_x", "email": "x@acme.io", "roles": ["member"]}
    services.on("users", "POST", "/internal/invitations/lookup", lambda r, b: found)
    services.on(
        "tenants",
        "POST",
        r"/internal/tenants/acme/check-quota",
        lambda r, b: (403, refuse("TENANT_QUOTA_EXCEEDED")),
    )
    status, payload = call(accept_invitation, body={"token": INVITE_TOKEN, "password": "battery-staple-77"})
    assert (status, error_code(payload)) == (403, "TENANT_QUOTA_EXCEEDED")
    assert services.sent("users", "accept") == []
