"""users-me, -get, -list and -get-internal: the caller's tenant only, honest pages, never the hash."""

from __future__ import annotations

from typing import Any

import pytest

from functions.users import get, get_internal, me
from functions.users import list as list_fn
from shared.envelopes import Cursor
from tests.unit.functions.users.support import (
    OTHER_TENANT,
    TENANT,
    admin,
    api,
    as_user,
    body,
    internal,
    new_user,
)

MEMBER_PERMISSIONS = ("user.read", "file.read", "file.upload", "notification.read")


def get_user(user_id: str, caller: Any, **kwargs: Any) -> dict[str, Any]:
    return api(get, caller, path=f"/api/v1/users/{user_id}", path_params={"userId": user_id}, **kwargs)


def list_users(caller: Any, query: dict[str, str] | None = None) -> dict[str, Any]:
    return api(list_fn, caller, path="/api/v1/users", query=query)


# --- me ----------------------------------------------------------------------------------------------
def test_me_is_the_stored_user_with_the_tokens_roles_and_permissions() -> None:
    # GIVEN jane, calling with her token
    jane = new_user("jane@acme.io", profile={"name": "Jane"})
    caller = as_user(jane["userId"], permissions=MEMBER_PERMISSIONS, roles=("member",))
    # WHEN she asks who she is
    result = api(me, caller, path="/api/v1/users/me")
    # THEN her record, with the roles and permissions her token carries, and no hash
    assert result["statusCode"] == 200
    data = body(result)["data"]
    assert data["userId"] == jane["userId"]
    assert data["email"] == "jane@acme.io"
    assert data["tenantId"] == TENANT
    assert data["status"] == "active"
    assert data["profile"] == {"name": "Jane"}
    assert data["roles"] == ["member"]
    assert data["permissions"] == list(MEMBER_PERMISSIONS)
    assert "passwordHash" not in result["body"]
    assert "argon2" not in result["body"]


def test_me_for_a_user_that_no_longer_exists_is_404() -> None:
    result = api(me, as_user("u_" + "1" * 32), path="/api/v1/users/me")
    assert result["statusCode"] == 404
    assert body(result)["error"]["code"] == "USER_NOT_FOUND"


def test_me_without_a_verified_user_is_401() -> None:
    from shared.adapters.lambda_events import http_event
    from tests.unit.functions.users.support import CTX

    result = me.handler(http_event("GET", "/api/v1/users/me", route=me.app.declared), CTX)
    assert result["statusCode"] == 401


# --- get ---------------------------------------------------------------------------------------------
def test_a_user_may_read_itself_without_user_read() -> None:
    jane = new_user("jane@acme.io")
    result = get_user(jane["userId"], as_user(jane["userId"]))
    assert result["statusCode"] == 200
    assert body(result)["data"]["email"] == "jane@acme.io"
    assert "argon2" not in result["body"]


def test_reading_another_user_needs_user_read() -> None:
    # GIVEN jane and bob, bob without user.read
    jane, bob = new_user("jane@acme.io"), new_user("bob@acme.io")
    # WHEN bob reads jane  THEN 403 PERMISSION_DENIED
    denied = get_user(jane["userId"], as_user(bob["userId"]))
    assert denied["statusCode"] == 403
    assert body(denied)["error"]["code"] == "PERMISSION_DENIED"
    # WHEN bob has user.read  THEN 200
    allowed = get_user(jane["userId"], as_user(bob["userId"], permissions=("user.read",)))
    assert allowed["statusCode"] == 200
    assert body(allowed)["data"]["userId"] == jane["userId"]


@pytest.mark.parametrize("kind", ["other-tenant", "unknown", "malformed"])
def test_a_user_outside_the_callers_tenant_is_404_never_403(kind: str) -> None:
    # GIVEN a user of globex, read by an acme admin (holding *)
    theirs = new_user("jane@globex.io", tenant=OTHER_TENANT)["userId"]
    target = {"other-tenant": theirs, "unknown": "u_" + "f" * 32, "malformed": "u_not-an-id"}[kind]
    # WHEN the admin asks for it  THEN 404 USER_NOT_FOUND, as for an id that never existed
    result = get_user(target, admin())
    assert result["statusCode"] == 404
    assert body(result)["error"]["code"] == "USER_NOT_FOUND"


def test_the_tenant_comes_from_the_token_not_the_request() -> None:
    # GIVEN a globex user  WHEN an acme admin asks with a globex tenantId query  THEN still 404
    theirs = new_user("jane@globex.io", tenant=OTHER_TENANT)["userId"]
    assert get_user(theirs, admin(), query={"tenantId": OTHER_TENANT})["statusCode"] == 404
    # AND a mismatching X-Tenant-ID header is refused outright
    forged = get_user(theirs, admin(), headers={"x-tenant-id": OTHER_TENANT})
    assert forged["statusCode"] == 403


# --- list --------------------------------------------------------------------------------------------
def test_pages_follow_the_cursor_with_an_honest_total() -> None:
    # GIVEN five acme users and three globex users
    ours = {new_user(f"user{n}@acme.io")["userId"] for n in range(5)}
    for n in range(3):
        new_user(f"user{n}@globex.io", tenant=OTHER_TENANT)
    caller = as_user("u_" + "b" * 32, permissions=("user.read",))
    # WHEN the acme caller pages through with pageSize 2
    seen: list[str] = []
    pages: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {"pageSize": "2", **({"cursor": cursor} if cursor else {})}
        result = list_users(caller, query)
        assert result["statusCode"] == 200
        payload = body(result)
        pages.append(payload["pagination"])
        seen.extend(u["userId"] for u in payload["data"])
        assert all(u["tenantId"] == TENANT for u in payload["data"])
        assert "argon2" not in result["body"]
        cursor = payload["pagination"]["nextCursor"]
        if cursor is None:
            break
    # THEN exactly our five users, each once, in pages of 2, 2, 1, each page saying total 5
    assert sorted(seen) == sorted(ours)
    assert [p["page"] for p in pages] == [1, 2, 3]
    assert {p["total"] for p in pages} == {5}
    assert {p["totalPages"] for p in pages} == {3}
    assert [p["hasNext"] for p in pages] == [True, True, False]
    assert [p["hasPrev"] for p in pages] == [False, True, True]


def test_the_default_page_size_is_20() -> None:
    new_user("jane@acme.io")
    payload = body(list_users(admin()))
    assert payload["pagination"]["pageSize"] == 20
    assert payload["pagination"]["total"] == 1
    assert [u["email"] for u in payload["data"]] == ["jane@acme.io"]


def test_listing_needs_user_read() -> None:
    result = list_users(as_user("u_" + "b" * 32, permissions=("file.read",)))
    assert result["statusCode"] == 403
    assert body(result)["error"]["code"] == "PERMISSION_DENIED"


def test_a_tenant_query_parameter_does_not_widen_the_list() -> None:
    new_user("jane@acme.io")
    new_user("bob@globex.io", tenant=OTHER_TENANT)
    payload = body(list_users(admin(), {"tenantId": OTHER_TENANT}))
    assert [u["email"] for u in payload["data"]] == ["jane@acme.io"]
    assert payload["pagination"]["total"] == 1


@pytest.mark.parametrize(
    "query",
    [
        {"pageSize": "0"},
        {"pageSize": "101"},
        {"pageSize": "many"},
        {"cursor": "not-a-cursor"},
        # a well-formed cursor that points into another tenant's partition
        {"cursor": str(Cursor.encode({"pk": {"S": "TENANT#globex#USERS"}, "sk": {"S": "USER#u_1"}}, page=2))},
        # ... or at an email claim of our own partition
        {
            "cursor": str(
                Cursor.encode({"pk": {"S": "TENANT#acme#USERS"}, "sk": {"S": "EMAIL#a@b.io"}}, page=2)
            )
        },
    ],
)
def test_bad_paging_input_is_400(query: dict[str, str]) -> None:
    new_user("jane@acme.io")
    result = list_users(admin(), query)
    assert result["statusCode"] == 400
    assert body(result)["error"]["code"] == "INVALID_REQUEST"


# --- get-internal ------------------------------------------------------------------------------------
def test_another_service_reads_a_user_of_the_tenant_it_names() -> None:
    jane = new_user("jane@acme.io")

    def fetch(user_id: str, query: dict[str, str] | None) -> dict[str, Any]:
        return internal(
            get_internal, path=f"/internal/users/{user_id}", path_params={"userId": user_id}, query=query
        )

    found = fetch(jane["userId"], {"tenantId": TENANT})
    assert found["statusCode"] == 200
    assert body(found)["data"]["email"] == "jane@acme.io"
    assert "argon2" not in found["body"]
    # another tenant: 404; no tenant, or a forged one: 400
    assert body(fetch(jane["userId"], {"tenantId": OTHER_TENANT}))["error"]["code"] == "USER_NOT_FOUND"
    assert fetch(jane["userId"], None)["statusCode"] == 400
    assert fetch(jane["userId"], {"tenantId": "acme#USERS"})["statusCode"] == 400
