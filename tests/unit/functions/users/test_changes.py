"""users-update, -suspend and -delete: permissions, self-protection, tenant isolation, side effects."""

from __future__ import annotations

from typing import Any

import pytest

from functions.users import delete, suspend, update, validate_credentials
from shared.context import UserContext
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
    internal,
    new_user,
    stored_count,
    stored_user,
    table,
)


def patch(user_id: str, caller: UserContext, payload: Any) -> dict[str, Any]:
    return api(
        update, caller, path=f"/api/v1/users/{user_id}", path_params={"userId": user_id}, payload=payload
    )


def suspend_user(user_id: str, caller: UserContext) -> dict[str, Any]:
    return api(suspend, caller, path=f"/api/v1/users/{user_id}/suspend", path_params={"userId": user_id})


def delete_user(user_id: str, caller: UserContext) -> dict[str, Any]:
    return api(delete, caller, path=f"/api/v1/users/{user_id}", path_params={"userId": user_id})


def code(result: dict[str, Any]) -> str:
    return str(body(result)["error"]["code"])


@pytest.fixture
def jane(published: list[ServiceEvent], callees: Callees) -> dict[str, Any]:
    """Jane exists; the events and calls her creation caused are forgotten."""
    user = new_user("jane@acme.io", profile={"name": "Jane", "locale": "en-GB"})
    published.clear()
    callees.requests.clear()
    return user


# --- update ------------------------------------------------------------------------------------------
def test_a_user_updates_its_own_profile_and_user_updated_lists_the_changes(
    jane: dict[str, Any], published: list[ServiceEvent]
) -> None:
    # WHEN jane renames herself, adds a timezone and removes her locale
    result = patch(
        jane["userId"],
        as_user(jane["userId"]),
        {"profile": {"name": "Jane Smith", "timezone": "Europe/Berlin", "locale": None}},
    )
    # THEN the merged profile comes back, without the hash
    assert result["statusCode"] == 200
    data = body(result)["data"]
    assert data["profile"] == {"name": "Jane Smith", "timezone": "Europe/Berlin"}
    assert data["updatedAt"] >= data["createdAt"]
    assert "argon2" not in result["body"]
    # AND user.updated names exactly the changed fields
    assert [e.type for e in published] == ["user.updated"]
    assert published[0].data == {
        "userId": jane["userId"],
        "changes": ["profile.locale", "profile.name", "profile.timezone"],
        "profile": {"name": "Jane Smith", "timezone": "Europe/Berlin"},
    }
    assert published[0].tenant_id == TENANT


def test_an_update_that_changes_nothing_writes_and_announces_nothing(
    jane: dict[str, Any], published: list[ServiceEvent]
) -> None:
    result = patch(jane["userId"], as_user(jane["userId"]), {"profile": {"name": "Jane", "gone": None}})
    assert result["statusCode"] == 200
    assert published == []


def test_updating_another_user_needs_user_write(jane: dict[str, Any]) -> None:
    bob = new_user("bob@acme.io")
    denied = patch(
        jane["userId"], as_user(bob["userId"], permissions=("user.read",)), {"profile": {"name": "X"}}
    )
    assert denied["statusCode"] == 403
    assert code(denied) == "PERMISSION_DENIED"
    allowed = patch(
        jane["userId"], as_user(bob["userId"], permissions=("user.write",)), {"profile": {"name": "X"}}
    )
    assert allowed["statusCode"] == 200


@pytest.mark.parametrize(
    "payload",
    [
        {"profile": {"name": "X"}, "email": "evil@acme.io"},
        {"profile": {"name": "X"}, "status": "active"},
        {"profile": {"name": "X"}, "tenantId": OTHER_TENANT},
        {"passwordHash": "x"},
        {"profile": {}},
        {"profile": {"bad key": "x"}},
        {"profile": {"name": "x" * 501}},
        {"profile": {f"k{n}": "v" for n in range(21)}},
        {"profile": "Jane"},
    ],
)
def test_only_the_profile_may_change(jane: dict[str, Any], payload: dict[str, Any]) -> None:
    # WHEN anything but a valid profile is sent  THEN 400, and the user is as it was
    result = patch(jane["userId"], admin(), payload)
    assert result["statusCode"] == 400
    assert code(result) == "INVALID_REQUEST"
    stored = stored_user(jane["userId"])
    assert stored is not None
    assert stored.email == "jane@acme.io"
    assert stored.profile["name"] == "Jane"


# --- suspend -----------------------------------------------------------------------------------------
def test_an_admin_suspends_a_user_its_sessions_end_and_it_can_no_longer_log_in(
    jane: dict[str, Any], callees: Callees, published: list[ServiceEvent]
) -> None:
    # WHEN an admin suspends jane
    result = suspend_user(jane["userId"], as_user("u_" + "a" * 32, permissions=("user.write",)))
    # THEN she is suspended, the cache marks her principal suspended, user.suspended is published
    assert result["statusCode"] == 200
    assert body(result)["data"]["status"] == "suspended"
    assert "argon2" not in result["body"]
    assert callees.sent("/internal/principals/user") == [
        {"tenantId": TENANT, "userId": jane["userId"], "status": "suspended"}
    ]
    assert [e.type for e in published] == ["user.suspended"]
    assert published[0].data == {"userId": jane["userId"], "email": "jane@acme.io"}
    # AND her right password now gets 403 USER_SUSPENDED
    login = internal(
        validate_credentials,
        path="/internal/users/validate-credentials",
        payload={"email": "jane@acme.io", "password": PASSWORD, "tenantId": TENANT},
    )
    assert code(login) == "USER_SUSPENDED"


def test_suspending_needs_user_write(jane: dict[str, Any], callees: Callees) -> None:
    result = suspend_user(jane["userId"], as_user("u_" + "b" * 32, permissions=("user.read",)))
    assert result["statusCode"] == 403
    assert code(result) == "PERMISSION_DENIED"
    assert callees.requests == []


def test_nobody_suspends_or_deletes_themself(jane: dict[str, Any], callees: Callees) -> None:
    me = as_user(jane["userId"], permissions=("*",))
    for result in (suspend_user(jane["userId"], me), delete_user(jane["userId"], me)):
        assert result["statusCode"] == 403
        assert code(result) == "FORBIDDEN"
    assert callees.requests == []
    assert stored_count() == 1


# --- delete ------------------------------------------------------------------------------------------
def test_an_admin_deletes_a_user_and_everything_that_was_its_goes(
    jane: dict[str, Any], callees: Callees, published: list[ServiceEvent]
) -> None:
    new_user("bob@acme.io")
    published.clear()
    # WHEN an admin deletes jane
    result = delete_user(jane["userId"], as_user("u_" + "a" * 32, permissions=("user.delete",)))
    # THEN 204 with no body
    assert result["statusCode"] == 204
    assert not result.get("body")
    # AND her user item and email claim are gone and the count says 1
    assert stored_user(jane["userId"]) is None
    assert (TENANT, "jane@acme.io") not in table().claims
    assert stored_count() == 1
    # AND the cache marked her deleted, rbac forgot her roles, user.deleted was published
    assert callees.sent("/internal/principals/user") == [
        {"tenantId": TENANT, "userId": jane["userId"], "status": "deleted"}
    ]
    assert callees.sent(f"/internal/users/{jane['userId']}/forget") == [{"tenantId": TENANT}]
    assert [e.type for e in published] == ["user.deleted"]
    assert published[0].data == {"userId": jane["userId"], "email": "jane@acme.io"}
    # AND a second delete is 404, and her email can be registered again
    assert code(delete_user(jane["userId"], admin())) == "USER_NOT_FOUND"
    assert new_user("jane@acme.io")["userId"] != jane["userId"]


def test_deleting_needs_user_delete(jane: dict[str, Any], callees: Callees) -> None:
    result = delete_user(jane["userId"], as_user("u_" + "b" * 32, permissions=("user.read", "user.write")))
    assert result["statusCode"] == 403
    assert code(result) == "PERMISSION_DENIED"
    assert stored_count() == 1
    assert callees.requests == []


def test_when_the_cache_is_down_the_delete_fails_before_anything_is_removed(
    jane: dict[str, Any], callees: Callees, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the cache refusing (sessions could not be ended)
    from functions.users import effects

    monkeypatch.setattr(effects.cache.service_client, "_sleep", lambda _seconds: None)
    callees.fail("user", 503, "CACHE_UNAVAILABLE")
    # WHEN an admin deletes jane  THEN the error comes back and jane is intact, so a retry can finish
    result = delete_user(jane["userId"], admin())
    assert result["statusCode"] == 503
    assert stored_count() == 1
    assert callees.sent("/forget") == []
    callees.failures.clear()
    assert delete_user(jane["userId"], admin())["statusCode"] == 204
    assert stored_count() == 0


# --- another tenant's ids: 404 on every change -------------------------------------------------------
@pytest.mark.parametrize("action", ["update", "suspend", "delete"])
def test_another_tenants_user_is_404_and_untouched(
    action: str, callees: Callees, published: list[ServiceEvent]
) -> None:
    # GIVEN a globex user, and an acme admin holding every permission
    theirs = new_user("jane@globex.io", tenant=OTHER_TENANT)["userId"]
    published.clear()
    callees.requests.clear()
    # WHEN the acme admin acts on the globex id
    result = {
        "update": lambda: patch(theirs, admin(), {"profile": {"name": "pwned"}}),
        "suspend": lambda: suspend_user(theirs, admin()),
        "delete": lambda: delete_user(theirs, admin()),
    }[action]()
    # THEN 404 USER_NOT_FOUND, and nothing happened to the globex user or anywhere else
    assert result["statusCode"] == 404
    assert code(result) == "USER_NOT_FOUND"
    stored = stored_user(theirs, OTHER_TENANT)
    assert stored is not None
    assert stored.status == "active"
    assert stored.profile == {}
    assert stored_count(OTHER_TENANT) == 1
    assert callees.requests == []
    assert published == []
    # AND an unknown id of the right shape is the same 404
    assert code(suspend_user("u_" + "9" * 32, admin())) == "USER_NOT_FOUND"
