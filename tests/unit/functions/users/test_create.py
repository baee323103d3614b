"""users-create: one transaction claims the email, rbac gives the default role, `user.created` follows."""

from __future__ import annotations

from typing import Any

import pytest

from functions.users import create
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from tests.unit.functions.users.support import (
    OTHER_TENANT,
    PASSWORD,
    TENANT,
    Callees,
    body,
    internal,
    new_user,
    stored_count,
    stored_user,
    table,
)

PATH = "/internal/users/create"


def post(payload: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return internal(create, path=PATH, payload=payload, **kwargs)


def test_a_new_user_is_stored_claimed_counted_given_a_role_and_announced(
    callees: Callees, published: list[ServiceEvent]
) -> None:
    # GIVEN an empty tenant
    # WHEN the gateway creates a user with a mixed-case, padded email and a profile
    result = post(
        {
            "email": "  Jane.Doe@Example.COM ",
            "password": PASSWORD,
            "tenantId": TENANT,
            "profile": {"name": "Jane"},
        }
    )
    # THEN 201 with the normalized email and the default role
    assert result["statusCode"] == 201
    data = body(result)["data"]
    assert data["userId"].startswith("u_")
    assert len(data["userId"]) == 2 + 32
    assert data == {
        "userId": data["userId"],
        "email": "jane.doe@example.com",
        "tenantId": TENANT,
        "roles": ["member"],
    }
    # AND the user, its email claim and the count are in the tenant's partition; the hash is argon2id
    user = stored_user(data["userId"])
    assert user is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in repr(user)
    assert user.status == "active"
    assert table().claims[(TENANT, "jane.doe@example.com")] == data["userId"]
    assert stored_count() == 1
    # AND rbac was asked for the default role, with a service token for rbac
    assert callees.sent("/assign-default-role") == [{"tenantId": TENANT, "userType": "member"}]
    request = callees.requests[0]
    assert request.path == f"/internal/users/{data['userId']}/assign-default-role"
    assert request.headers["x-service-name"] == "users"
    # AND user.created was published with the roles, in the new user's tenant
    assert [e.type for e in published] == ["user.created"]
    event = published[0]
    assert event.tenant_id == TENANT
    assert event.data == {
        "userId": data["userId"],
        "email": "jane.doe@example.com",
        "tenantId": TENANT,
        "profile": {"name": "Jane"},
        "roles": ["member"],
    }
    # AND the hash is nowhere in the response or the event
    assert "argon2" not in result["body"]
    assert "passwordHash" not in result["body"]
    assert "argon2" not in str(event.data)


def test_a_tenant_admin_gets_the_tenant_admin_role(callees: Callees, published: list[ServiceEvent]) -> None:
    # WHEN the user is created as a tenant admin
    data = new_user("boss@acme.io", userType="tenant_admin")
    # THEN rbac assigns that role and the response and event say so
    assert data["roles"] == ["tenant_admin"]
    assert callees.sent("/assign-default-role") == [{"tenantId": TENANT, "userType": "tenant_admin"}]
    assert published[0].data["roles"] == ["tenant_admin"]


@pytest.mark.parametrize("again", ["jane@acme.io", "JANE@ACME.IO", "  Jane@Acme.io\t", "jane@ACME.io "])
def test_a_taken_email_is_409_whatever_its_case_or_whitespace(
    again: str, callees: Callees, published: list[ServiceEvent]
) -> None:
    # GIVEN jane@acme.io exists
    new_user("jane@acme.io")
    # WHEN the same address is registered again, spelled differently
    result = post({"email": again, "password": PASSWORD, "tenantId": TENANT})
    # THEN 409 USER_ALREADY_EXISTS, nothing written, no second role, no second event
    assert result["statusCode"] == 409
    assert body(result)["error"]["code"] == "USER_ALREADY_EXISTS"
    assert stored_count() == 1
    assert len(table().users) == 1
    assert len(callees.sent("/assign-default-role")) == 1
    assert len(published) == 1


def test_the_same_email_may_exist_once_in_each_tenant() -> None:
    # GIVEN jane in acme  WHEN jane registers in globex  THEN both exist, each counted in its tenant
    first = new_user("jane@acme.io")
    second = new_user("jane@acme.io", tenant=OTHER_TENANT)
    assert first["userId"] != second["userId"]
    assert stored_count(TENANT) == 1
    assert stored_count(OTHER_TENANT) == 1


def test_when_rbac_fails_the_user_claim_and_count_are_undone(
    callees: Callees, published: list[ServiceEvent]
) -> None:
    # GIVEN one user already counted, and rbac refusing the next default role
    new_user("first@acme.io")
    published.clear()
    callees.fail("assign-default-role", 404, "ROLE_NOT_FOUND")
    # WHEN another user is created
    result = post({"email": "second@acme.io", "password": PASSWORD, "tenantId": TENANT})
    # THEN rbac's error comes back, and no user, no claim and no extra count remain; nothing announced
    assert result["statusCode"] == 404
    assert body(result)["error"]["code"] == "ROLE_NOT_FOUND"
    assert [email for _, email in table().claims if "second" in email] == []
    assert len(table().users) == 1
    assert stored_count() == 1
    assert published == []
    # AND the email is free again once rbac works
    callees.failures.clear()
    assert new_user("second@acme.io")["email"] == "second@acme.io"
    assert stored_count() == 2


def test_when_rbac_is_unavailable_the_create_is_undone_too(
    callees: Callees, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN rbac answering 503 (retryable: the client retries without waiting here, then gives up)
    from functions.users import effects

    monkeypatch.setattr(effects.rbac.service_client, "_sleep", lambda _seconds: None)
    callees.fail("assign-default-role", 503, "SERVICE_UNAVAILABLE")
    # WHEN a user is created  THEN 503, and nothing remains
    result = post({"email": "x@acme.io", "password": PASSWORD, "tenantId": TENANT})
    assert result["statusCode"] == 503
    assert table().users == {}
    assert table().claims == {}
    assert stored_count() == 0
    assert table().outbox.pending == []  # user.created was taken back out with the user


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD, "tenantId": TENANT}, "email"),
        ({"email": "a@b", "password": PASSWORD, "tenantId": TENANT}, "email"),
        ({"email": "a b@acme.io", "password": PASSWORD, "tenantId": TENANT}, "email"),
        ({"email": "x" * 250 + "@acme.io", "password": PASSWORD, "tenantId": TENANT}, "email"),
        ({"email": "a@acme.io", "password": "short1", "tenantId": TENANT}, "password"),
        ({"email": "a@acme.io", "password": "onlyletters", "tenantId": TENANT}, "password"),
        ({"email": "a@acme.io", "password": PASSWORD, "tenantId": "ACME#USERS"}, "tenantId"),
        ({"email": "a@acme.io", "password": PASSWORD}, "tenantId"),
        ({"email": "a@acme.io", "password": PASSWORD, "tenantId": TENANT, "userType": "root"}, "userType"),
        ({"email": "a@acme.io", "password": PASSWORD, "tenantId": TENANT, "status": "active"}, "status"),
        (
            {"email": "a@acme.io", "password": PASSWORD, "tenantId": TENANT, "profile": {"a b": "x"}},
            "profile",
        ),
        ({"email": "a@acme.io", "password": PASSWORD, "tenantId": TENANT, "profile": {"n": 1}}, "profile"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(
    payload: dict[str, Any], field: str, callees: Callees
) -> None:
    # WHEN the body is wrong  THEN 400 INVALID_REQUEST with the field; no write, no rbac call
    result = post(payload)
    assert result["statusCode"] == 400
    error = body(result)["error"]
    assert error["code"] == "INVALID_REQUEST"
    assert error["field"] == field or error["field"].startswith(f"{field}.")
    assert table().users == {}
    assert callees.requests == []


def test_without_a_service_token_for_users_the_route_is_closed() -> None:
    # GIVEN a token minted for another service  WHEN it calls create  THEN 401
    from shared import service_token
    from shared.adapters.lambda_events import http_event
    from tests.unit.functions.users.support import CTX

    event = http_event(
        "POST",
        PATH,
        route=create.app.declared,
        headers={"x-service-token": service_token.issue("gateway", audience="tenants")},
        body='{"email": "a@acme.io", "password": "correct-horse-42", "tenantId": "acme"}',
    )
    result = create.handler(event, CTX)
    assert result["statusCode"] == 401
    assert table().users == {}


def test_while_the_bus_is_down_a_create_stands_and_user_created_waits_in_the_outbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a bus refusing PutEvents
    def bus_down(*_events: ServiceEvent) -> None:
        raise QueueUnavailable("the bus is down")

    monkeypatch.setattr(publisher, "send", bus_down)
    # WHEN a user is created  THEN 201: the user stands
    result = post({"email": "jane@acme.io", "password": PASSWORD, "tenantId": TENANT})
    assert result["statusCode"] == 201
    user_id = body(result)["data"]["userId"]
    assert stored_user(user_id) is not None
    # AND user.created was staged with the write and is still there for the drain: nothing lost
    [waiting] = table().outbox.pending
    assert (waiting.type, waiting.data["userId"]) == ("user.created", user_id)
