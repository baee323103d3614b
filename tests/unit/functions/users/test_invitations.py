"""Invitations in the users service: created with a hashed token (never published), accepted once into a
verified user holding exactly the invited roles, refused after a revoke or after 7 days, listed and
revoked by holders of user.invite."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.users import (
    invitations_accept,
    invitations_create,
    invitations_list,
    invitations_lookup,
    invitations_revoke,
    link_tokens,
)
from shared.events.model import ServiceEvent
from tests.unit.functions.users.support import (
    OTHER_TENANT,
    PASSWORD,
    TENANT,
    Callees,
    admin,
    api,
    as_user,
    body,
    everything_stored,
    internal,
    new_user,
    stored_count,
    stored_user,
)

INVITER = "u_" + "a" * 32


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [float(int(link_tokens.clock()))]
    monkeypatch.setattr(link_tokens, "clock", lambda: now[0])
    return now


def invite(email: str, roles: list[str] | None = None, tenant: str = TENANT) -> dict[str, Any]:
    result = internal(
        invitations_create,
        path="/internal/invitations",
        payload={"tenantId": tenant, "email": email, "roles": roles or ["member"], "invitedBy": INVITER},
    )
    assert result["statusCode"] == 201, result["body"]
    data: dict[str, Any] = body(result)["data"]
    return data


def accept(token: str, password: str = PASSWORD, **extra: Any) -> dict[str, Any]:
    return internal(
        invitations_accept,
        path="/internal/invitations/accept",
        payload={"token": token, "password": password, **extra},
    )


def lookup(token: str) -> dict[str, Any]:
    return internal(invitations_lookup, path="/internal/invitations/lookup", payload={"token": token})


def code(result: dict[str, Any]) -> tuple[int, str]:
    return int(result["statusCode"]), str(body(result)["error"]["code"])


def listed(user: Any = None, **query: str) -> dict[str, Any]:
    return api(invitations_list, user or admin(), path="/api/v1/invitations", query=query or None)


def revoke(invitation_id: str, user: Any = None) -> dict[str, Any]:
    return api(
        invitations_revoke,
        user or admin(),
        path=f"/api/v1/invitations/{invitation_id}",
        path_params={"invitationId": invitation_id},
    )


# --- create and accept -------------------------------------------------------------------------------
def test_an_invitation_is_pending_for_7_days_its_token_stored_hashed_and_never_published(
    published: list[ServiceEvent], clock: list[float]
) -> None:
    issued = invite("new.hire@acme.io", ["auditor", "member"])
    invitation, token = issued["invitation"], issued["token"]
    assert invitation["status"] == "pending"
    assert invitation["roles"] == ["auditor", "member"]
    assert invitation["invitedBy"] == INVITER
    assert invitation["expiresAt"] == link_tokens.iso(clock[0] + 7 * 24 * 3600)
    tenant, invitation_id, secret = token.split(".")
    assert (tenant, invitation_id) == (TENANT, invitation["invitationId"])
    assert secret not in everything_stored()
    [invited] = published
    assert invited.type == "user.invited"
    assert invited.data["invitationId"] == invitation_id
    assert secret not in invited.to_json()


def test_accepting_makes_a_verified_user_with_exactly_the_invited_roles(
    published: list[ServiceEvent], callees: Callees
) -> None:
    token = invite("new.hire@acme.io", ["auditor"])["token"]
    found = lookup(token)
    assert body(found)["data"] == {
        "tenantId": TENANT,
        "invitationId": token.split(".")[1],
        "email": "new.hire@acme.io",
        "roles": ["auditor"],
    }
    published.clear()
    result = accept(token, profile={"name": "Nia"})
    assert result["statusCode"] == 201, result["body"]
    user = body(result)["data"]
    assert user["roles"] == ["auditor"]  # not member
    assert user["email"] == "new.hire@acme.io"
    # rbac was asked for exactly those roles, and no default role
    assert callees.sent("assign-roles") == [{"tenantId": TENANT, "roles": ["auditor"]}]
    assert callees.sent("assign-default-role") == []
    # the user is counted, verified, and user.created names the invitation
    assert stored_count() == 1
    stored = stored_user(user["userId"])
    assert stored is not None
    assert stored.email_verified
    [created] = published
    assert created.type == "user.created"
    assert created.data["invitationId"] == token.split(".")[1]
    assert created.data["roles"] == ["auditor"]


def test_accepting_twice_is_409_conflict(callees: Callees) -> None:
    token = invite("new.hire@acme.io")["token"]
    assert accept(token)["statusCode"] == 201
    assert code(accept(token, "another-password-3")) == (409, "CONFLICT")
    assert code(lookup(token)) == (409, "CONFLICT")
    assert stored_count() == 1


def test_a_revoked_invitation_is_401_invalid_token() -> None:
    issued = invite("new.hire@acme.io")
    assert revoke(issued["invitation"]["invitationId"])["statusCode"] == 204
    assert code(accept(issued["token"])) == (401, "INVALID_TOKEN")
    assert stored_count() == 0


def test_an_expired_invitation_is_401_token_expired(clock: list[float]) -> None:
    token = invite("new.hire@acme.io")["token"]
    clock[0] += 7 * 24 * 3600
    assert code(accept(token)) == (401, "TOKEN_EXPIRED")
    [shown] = body(listed())["data"]
    assert shown["status"] == "expired"


def test_another_tenants_or_a_forged_token_is_401() -> None:
    token = invite("new.hire@acme.io")["token"]
    _tenant, invitation_id, secret = token.split(".")
    assert code(accept(f"{OTHER_TENANT}.{invitation_id}.{secret}")) == (401, "INVALID_TOKEN")
    assert code(accept(f"{TENANT}.{invitation_id}.{'B' * 43}")) == (401, "INVALID_TOKEN")
    assert code(accept("garbage")) == (401, "INVALID_TOKEN")


def test_an_address_that_is_already_a_user_cannot_be_invited_nor_accept() -> None:
    token = invite("jane@acme.io")["token"]
    new_user("jane@acme.io")
    assert code(accept(token)) == (409, "USER_ALREADY_EXISTS")
    result = internal(
        invitations_create,
        path="/internal/invitations",
        payload={"tenantId": TENANT, "email": "jane@acme.io", "roles": ["member"], "invitedBy": INVITER},
    )
    assert code(result) == (409, "USER_ALREADY_EXISTS")


def test_when_rbac_refuses_the_roles_the_acceptance_is_undone_and_can_be_retried(
    callees: Callees, published: list[ServiceEvent]
) -> None:
    token = invite("new.hire@acme.io", ["auditor"])["token"]
    published.clear()
    callees.fail("assign-roles", status=404, code="ROLE_NOT_FOUND")
    assert code(accept(token)) == (404, "ROLE_NOT_FOUND")
    assert stored_count() == 0
    assert published == []
    [pending] = body(listed())["data"]
    assert pending["status"] == "pending"
    callees.failures.clear()
    assert accept(token)["statusCode"] == 201


def test_a_weak_password_is_400_and_the_invitation_stays_usable() -> None:
    token = invite("new.hire@acme.io")["token"]
    assert code(accept(token, "weak")) == (400, "INVALID_REQUEST")
    assert accept(token)["statusCode"] == 201


# --- list and revoke (user.invite) -------------------------------------------------------------------
def test_invitations_are_listed_newest_first_a_page_at_a_time(clock: list[float]) -> None:
    for n in range(3):
        invite(f"person{n}@acme.io")
        clock[0] += 1
    invite("other@globex.io", tenant=OTHER_TENANT)
    first = body(listed(pageSize="2"))
    assert [i["email"] for i in first["data"]] == ["person2@acme.io", "person1@acme.io"]
    assert "token" not in json.dumps(first)
    second = body(listed(pageSize="2", cursor=first["pagination"]["nextCursor"]))
    assert [i["email"] for i in second["data"]] == ["person0@acme.io"]
    assert second["pagination"]["hasNext"] is False


def test_a_member_without_user_invite_can_neither_list_nor_revoke() -> None:
    issued = invite("new.hire@acme.io")
    member = as_user("u_" + "b" * 32, permissions=("user.read",))
    assert code(listed(member)) == (403, "PERMISSION_DENIED")
    assert code(revoke(issued["invitation"]["invitationId"], member)) == (403, "PERMISSION_DENIED")


def test_revoking_is_idempotent_an_accepted_one_is_409_an_unknown_one_404(
    published: list[ServiceEvent],
) -> None:
    pending = invite("a@acme.io")["invitation"]["invitationId"]
    accepted = invite("b@acme.io")
    assert accept(accepted["token"])["statusCode"] == 201
    published.clear()
    assert revoke(pending)["statusCode"] == 204
    assert revoke(pending)["statusCode"] == 204
    assert [e.type for e in published] == ["user.invitation_revoked"]
    assert code(revoke(accepted["invitation"]["invitationId"])) == (409, "CONFLICT")
    assert code(revoke("inv_" + "0" * 32)) == (404, "NOT_FOUND")
    assert code(revoke("not-an-id")) == (404, "NOT_FOUND")
    other_tenant_admin = admin(OTHER_TENANT)
    assert code(revoke(pending, other_tenant_admin)) == (404, "NOT_FOUND")
