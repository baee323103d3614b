"""The tenant's role catalog: built-in roles, custom roles, the member override, and who may change them."""

from __future__ import annotations

from typing import Any

import pytest

from functions.rbac import roles, roles_create, roles_list, roles_update, user_permissions_internal
from shared.context import UserContext
from tests.unit.functions.rbac.fakes import FakeRbacStore
from tests.unit.functions.rbac.support import (
    MEMBER_PERMISSIONS,
    OTHER_TENANT,
    TENANT,
    call,
    error_code,
    make_user,
    user,
)

ADMIN = user("u_admin")
ROLE_WRITER = user("u_writer", permissions=("role.write", "file.*", "user.read"))
MEMBER = user("u_member", permissions=tuple(MEMBER_PERMISSIONS))


def list_roles(caller: UserContext = ADMIN) -> tuple[int, dict[str, Any]]:
    return call(roles_list, "/api/v1/roles", caller=caller)


def create(body: Any, caller: UserContext = ADMIN, **headers: str) -> tuple[int, dict[str, Any]]:
    return call(roles_create, "/api/v1/roles", body=body, caller=caller, headers=headers)


def update(name: str, body: Any, caller: UserContext = ADMIN) -> tuple[int, dict[str, Any]]:
    return call(roles_update, f"/api/v1/roles/{name}", path_params={"name": name}, body=body, caller=caller)


# --- roles-list ----------------------------------------------------------------------------------------
def test_every_tenant_has_the_builtin_roles_without_storing_them() -> None:
    status, payload = list_roles(MEMBER)
    assert status == 200
    assert payload["data"] == [
        {"name": "tenant_admin", "permissions": ["*"], "builtin": True},
        {"name": "member", "permissions": MEMBER_PERMISSIONS, "builtin": True},
    ]


def test_custom_roles_are_listed_after_the_builtin_ones_and_only_in_their_tenant() -> None:
    # GIVEN acme's two custom roles
    assert create({"name": "viewer", "permissions": ["file.read"]})[0] == 201
    assert create({"name": "editor", "permissions": ["file.*", "file.read"]})[0] == 201
    # THEN acme lists them by name, after the built-in roles
    names = [r["name"] for r in list_roles()[1]["data"]]
    assert names == ["tenant_admin", "member", "editor", "viewer"]
    # AND globex sees only the built-in roles
    theirs = list_roles(user("u_x", tenant=OTHER_TENANT))[1]["data"]
    assert [r["name"] for r in theirs] == ["tenant_admin", "member"]


def test_listing_roles_needs_a_user() -> None:
    status, payload = call(roles_list, "/api/v1/roles")
    assert status == 401
    assert error_code(payload) == "INVALID_TOKEN"


# --- roles-create --------------------------------------------------------------------------------------
def test_a_role_is_created_with_its_permissions_deduplicated_and_sorted() -> None:
    status, payload = create({"name": "editor", "permissions": ["file.upload", "file.read", "file.read"]})
    assert status == 201
    assert payload["data"] == {
        "name": "editor",
        "permissions": ["file.read", "file.upload"],
        "builtin": False,
    }


def test_a_taken_name_is_409() -> None:
    assert create({"name": "editor", "permissions": ["file.read"]})[0] == 201
    status, payload = create({"name": "editor", "permissions": ["file.*"]})
    assert status == 409
    assert error_code(payload) == "CONFLICT"
    assert payload["error"]["field"] == "name"
    # AND the first role is unchanged
    editor = next(r for r in list_roles()[1]["data"] if r["name"] == "editor")
    assert editor["permissions"] == ["file.read"]


@pytest.mark.parametrize("name", ["tenant_admin", "member"])
def test_a_builtin_name_is_taken(name: str) -> None:
    status, _ = create({"name": name, "permissions": ["file.read"]})
    assert status == 409


def test_the_same_name_is_free_in_another_tenant() -> None:
    assert create({"name": "editor", "permissions": ["file.read"]})[0] == 201
    other_admin = user("u_x", tenant=OTHER_TENANT)
    assert create({"name": "editor", "permissions": ["file.read"]}, caller=other_admin)[0] == 201


def test_creating_a_role_needs_role_write() -> None:
    status, payload = create({"name": "editor", "permissions": ["file.read"]}, caller=MEMBER)
    assert status == 403
    assert error_code(payload) == "PERMISSION_DENIED"
    assert [r["name"] for r in list_roles()[1]["data"]] == ["tenant_admin", "member"]


def test_a_role_writer_cannot_create_a_role_granting_more_than_they_hold() -> None:
    # GIVEN a user with role.write but not `*`  WHEN they create a role granting `*`  THEN 403
    status, payload = create({"name": "sneaky", "permissions": ["*"]}, caller=ROLE_WRITER)
    assert status == 403
    assert error_code(payload) == "INSUFFICIENT_PERMISSIONS"
    assert payload["error"]["details"] == {"missing": ["*"]}
    # AND within what they hold, they can
    assert create({"name": "files", "permissions": ["file.upload"]}, caller=ROLE_WRITER)[0] == 201


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Editor", "permissions": []},
        {"name": "e", "permissions": []},
        {"name": "x" * 41, "permissions": []},
        {"name": "ed#itor", "permissions": []},
        {"name": "editor", "permissions": ["file"]},
        {"name": "editor", "permissions": ["file.read.all"]},
        {"name": "editor", "permissions": ["*.read"]},
        {"name": "editor", "permissions": ["File.Read"]},
        {"name": "editor", "permissions": [f"r.a{'a' * n}" for n in range(101)]},
        {"name": "editor", "permissions": "file.read"},
        {"name": "editor"},
        {"name": "editor", "permissions": [], "builtin": True},
    ],
)
def test_a_malformed_role_is_400(body: dict[str, Any]) -> None:
    status, payload = create(body)
    assert status == 400
    assert error_code(payload) == "INVALID_REQUEST"


def test_a_role_may_grant_up_to_100_permissions() -> None:
    granted = [f"res.act{'a' * n}" for n in range(100)]
    status, payload = create({"name": "wide", "permissions": granted})
    assert status == 201
    assert len(payload["data"]["permissions"]) == 100


def test_the_tenant_header_cannot_redirect_a_create_to_another_tenant() -> None:
    # GIVEN acme's admin claiming globex in X-Tenant-ID  THEN the kernel refuses it; nothing is created
    status, _ = create({"name": "editor", "permissions": ["file.read"]}, **{"X-Tenant-ID": OTHER_TENANT})
    assert status == 403
    theirs = list_roles(user("u_x", tenant=OTHER_TENANT))[1]["data"]
    assert [r["name"] for r in theirs] == ["tenant_admin", "member"]


# --- roles-update --------------------------------------------------------------------------------------
def test_a_custom_roles_permissions_are_replaced() -> None:
    create({"name": "editor", "permissions": ["file.read"]})
    status, payload = update("editor", {"permissions": ["file.upload", "file.read"]})
    assert status == 200
    assert payload["data"] == {
        "name": "editor",
        "permissions": ["file.read", "file.upload"],
        "builtin": False,
    }


def test_tenant_admin_cannot_be_changed() -> None:
    status, payload = update("tenant_admin", {"permissions": ["file.read"]})
    assert status == 403
    assert error_code(payload) == "FORBIDDEN"
    assert list_roles()[1]["data"][0] == {"name": "tenant_admin", "permissions": ["*"], "builtin": True}


def test_a_tenant_may_override_member_for_itself_only() -> None:
    # GIVEN acme narrows member to file.read, and u_1 is an acme member
    make_user("u_1")
    status, payload = update("member", {"permissions": ["file.read"]})
    assert status == 200
    assert payload["data"] == {"name": "member", "permissions": ["file.read"], "builtin": True}
    # THEN acme lists the override and its members' permissions follow it
    assert list_roles()[1]["data"][1] == {"name": "member", "permissions": ["file.read"], "builtin": True}
    _, found = call(
        user_permissions_internal,
        "/internal/users/u_1/permissions",
        path_params={"userId": "u_1"},
        query={"tenantId": TENANT},
        service="gateway",
    )
    assert found["data"]["permissions"] == ["file.read"]
    # AND globex's member is still the built-in one
    theirs = list_roles(user("u_x", tenant=OTHER_TENANT))[1]["data"]
    assert theirs[1]["permissions"] == MEMBER_PERMISSIONS


def test_updating_an_unknown_role_is_404() -> None:
    status, payload = update("ghost", {"permissions": ["file.read"]})
    assert status == 404
    assert error_code(payload) == "ROLE_NOT_FOUND"


def test_another_tenants_role_cannot_be_updated() -> None:
    # GIVEN globex's editor  WHEN acme's admin updates "editor"  THEN 404 and globex's is unchanged
    other_admin = user("u_x", tenant=OTHER_TENANT)
    create({"name": "editor", "permissions": ["file.read"]}, caller=other_admin)
    assert update("editor", {"permissions": ["*"]})[0] == 404
    editor = list_roles(other_admin)[1]["data"][2]
    assert editor == {"name": "editor", "permissions": ["file.read"], "builtin": False}


def test_updating_a_role_needs_role_write() -> None:
    create({"name": "editor", "permissions": ["file.read"]})
    status, payload = update("editor", {"permissions": ["file.*"]}, caller=MEMBER)
    assert status == 403
    assert error_code(payload) == "PERMISSION_DENIED"


def test_a_role_writer_cannot_widen_member_beyond_what_they_hold() -> None:
    status, payload = update("member", {"permissions": ["*"]}, caller=ROLE_WRITER)
    assert status == 403
    assert error_code(payload) == "INSUFFICIENT_PERMISSIONS"
    assert list_roles()[1]["data"][1]["permissions"] == MEMBER_PERMISSIONS


@pytest.mark.parametrize(("name", "body"), [("Editor", {"permissions": []}), ("editor", {"name": "x"})])
def test_a_malformed_update_is_400(name: str, body: dict[str, Any]) -> None:
    status, payload = update(name, body)
    assert status == 400
    assert error_code(payload) == "INVALID_REQUEST"


def test_role_definitions_are_read_once_per_container_for_a_few_seconds(
    monkeypatch: pytest.MonkeyPatch, rbac_store: FakeRbacStore
) -> None:
    # GIVEN a stored role, read once by this container
    assert create({"name": "auditor", "permissions": ["user.read"]})[0] == 201
    assert roles.effective_permissions(TENANT, ["auditor"]) == ["user.read"]
    asked: list[list[str]] = []
    real = rbac_store.stored_permissions
    monkeypatch.setattr(
        rbac_store, "stored_permissions", lambda tenant, names: asked.append(names) or real(tenant, names)
    )
    # WHEN it is read again, with a role this container has not seen
    granted = roles.effective_permissions(TENANT, ["auditor", "member"])
    # THEN only the unseen one is read from the table
    assert granted == sorted({"user.read", *MEMBER_PERMISSIONS})
    assert asked == [["member"]]
