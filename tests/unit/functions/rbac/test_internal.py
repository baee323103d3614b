"""rbac's internal routes: default roles, effective permissions, checks and forgetting a user."""

from __future__ import annotations

from typing import Any

import pytest

from functions.rbac import assign_default_role, check, forget_user, user_permissions_internal
from shared.events.model import ServiceEvent
from tests.unit.functions.rbac.fakes import FakeRbacStore
from tests.unit.functions.rbac.support import (
    MEMBER_PERMISSIONS,
    OTHER_TENANT,
    TENANT,
    call,
    error_code,
    make_user,
)


def permissions_of(user_id: str, tenant: str = TENANT) -> tuple[int, dict[str, Any]]:
    return call(
        user_permissions_internal,
        f"/internal/users/{user_id}/permissions",
        path_params={"userId": user_id},
        query={"tenantId": tenant},
        service="gateway",
    )


def check_permission(user_id: str, resource: str, action: str, tenant: str = TENANT) -> Any:
    return call(
        check,
        "/internal/permissions/check",
        body={"userId": user_id, "tenantId": tenant, "resource": resource, "action": action},
        service="files",
    )


# --- assign-default-role and user-permissions-internal ---------------------------------------------------
def test_a_new_member_gets_the_member_permissions(events: list[ServiceEvent]) -> None:
    # GIVEN users creating a member  WHEN rbac assigns the default role
    assert make_user("u_1") == {"userId": "u_1", "roles": ["member"]}
    # THEN the user's permissions are member's, sorted, and nothing was published
    status, payload = permissions_of("u_1")
    assert status == 200
    assert payload["data"] == {
        "userId": "u_1",
        "tenantId": TENANT,
        "roles": ["member"],
        "permissions": MEMBER_PERMISSIONS,
    }
    assert events == []


def test_a_new_tenant_admin_holds_everything() -> None:
    make_user("u_boss", user_type="tenant_admin")
    status, payload = permissions_of("u_boss")
    assert status == 200
    assert payload["data"]["roles"] == ["tenant_admin"]
    assert payload["data"]["permissions"] == ["*"]


def test_assigning_the_default_role_twice_is_idempotent() -> None:
    # GIVEN users retrying its call  THEN the role is held once
    make_user("u_1")
    assert make_user("u_1") == {"userId": "u_1", "roles": ["member"]}


def test_an_unknown_user_has_no_permissions_but_a_404() -> None:
    status, payload = permissions_of("u_nobody")
    assert status == 404
    assert error_code(payload) == "USER_NOT_FOUND"


def test_a_user_is_known_only_in_their_own_tenant() -> None:
    # GIVEN u_1 in acme  WHEN globex's permissions of u_1 are asked for  THEN 404
    make_user("u_1")
    status, payload = permissions_of("u_1", tenant=OTHER_TENANT)
    assert status == 404
    assert error_code(payload) == "USER_NOT_FOUND"


@pytest.mark.parametrize(
    "body",
    [
        {"tenantId": TENANT, "userType": "superuser"},
        {"tenantId": "ACME#RBAC", "userType": "member"},
        {"tenantId": TENANT},
        {"tenantId": TENANT, "userType": "member", "roles": ["tenant_admin"]},
    ],
)
def test_a_bad_default_role_request_is_400(body: dict[str, Any]) -> None:
    status, payload = call(
        assign_default_role,
        "/internal/users/u_1/assign-default-role",
        path_params={"userId": "u_1"},
        body=body,
        service="users",
    )
    assert status == 400
    assert error_code(payload) == "INVALID_REQUEST"


@pytest.mark.parametrize("user_id", ["u_1%23ROLE%23x", "u_1%2F..", "u%20x"])
def test_a_user_id_that_could_forge_a_key_is_400(user_id: str) -> None:
    # GIVEN a user id carrying an (encoded) key separator or other foreign characters
    status, payload = call(
        assign_default_role,
        f"/internal/users/{user_id}/assign-default-role",
        path_params={"userId": user_id},
        body={"tenantId": TENANT, "userType": "member"},
        service="users",
    )
    # THEN it is refused at the edge, naming the field
    assert status == 400
    assert payload["error"]["field"] == "userId"


def test_internal_routes_need_a_service_token() -> None:
    # GIVEN no service token  THEN 401, and nothing is read
    status, payload = call(
        user_permissions_internal,
        "/internal/users/u_1/permissions",
        path_params={"userId": "u_1"},
        query={"tenantId": TENANT},
    )
    assert status == 401
    assert error_code(payload) == "INVALID_TOKEN"


def test_the_tenant_query_parameter_is_required_and_checked() -> None:
    make_user("u_1")
    for query in ({}, {"tenantId": "acme#x"}):
        status, payload = call(
            user_permissions_internal,
            "/internal/users/u_1/permissions",
            path_params={"userId": "u_1"},
            query=query,
            service="gateway",
        )
        assert status == 400
        assert error_code(payload) == "INVALID_REQUEST"


# --- check ---------------------------------------------------------------------------------------------
def test_check_answers_with_the_permission_it_checked() -> None:
    make_user("u_1")
    status, payload = check_permission("u_1", "file", "upload")
    assert status == 200
    assert payload["data"] == {"allowed": True, "permission": "file.upload"}
    _, denied = check_permission("u_1", "role", "write")
    assert denied["data"] == {"allowed": False, "permission": "role.write"}


def test_a_resource_wildcard_allows_every_action_of_that_resource_only(rbac_store: FakeRbacStore) -> None:
    # GIVEN a role granting file.*, held by u_files
    rbac_store.insert_role(TENANT, "file_manager", ["file.*"])
    make_user("u_files")
    rbac_store.replace_user_roles(TENANT, "u_files", seen=["member"], roles=["file_manager"])
    # THEN file.upload (and file.delete) are allowed, user.read is not
    assert check_permission("u_files", "file", "upload")[1]["data"]["allowed"] is True
    assert check_permission("u_files", "file", "delete")[1]["data"]["allowed"] is True
    assert check_permission("u_files", "user", "read")[1]["data"]["allowed"] is False


def test_tenant_admin_is_allowed_anything() -> None:
    make_user("u_boss", user_type="tenant_admin")
    assert check_permission("u_boss", "tenant", "delete")[1]["data"]["allowed"] is True


def test_check_of_an_unknown_or_foreign_user_is_404() -> None:
    make_user("u_1", tenant=OTHER_TENANT)
    status, payload = check_permission("u_1", "file", "read")
    assert status == 404
    assert error_code(payload) == "USER_NOT_FOUND"


@pytest.mark.parametrize(
    ("resource", "action"), [("file.read", "x"), ("File", "read"), ("file", ""), ("*", "*")]
)
def test_a_malformed_check_is_400(resource: str, action: str) -> None:
    make_user("u_1")
    status, payload = check_permission("u_1", resource, action)
    assert status == 400
    assert error_code(payload) == "INVALID_REQUEST"


def test_check_accepts_a_context() -> None:
    make_user("u_1")
    status, payload = call(
        check,
        "/internal/permissions/check",
        body={
            "userId": "u_1",
            "tenantId": TENANT,
            "resource": "file",
            "action": "read",
            "context": {"fileId": "f_1"},
        },
        service="files",
    )
    assert status == 200
    assert payload["data"]["allowed"] is True


# --- forget-user ---------------------------------------------------------------------------------------
def forget(user_id: str, tenant: str = TENANT) -> tuple[int, dict[str, Any]]:
    return call(
        forget_user,
        f"/internal/users/{user_id}/forget",
        path_params={"userId": user_id},
        body={"tenantId": tenant},
        service="users",
    )


def test_a_forgotten_user_is_unknown() -> None:
    make_user("u_1")
    status, payload = forget("u_1")
    assert status == 200
    assert payload["data"] == {"forgotten": True}
    assert permissions_of("u_1")[0] == 404


def test_forgetting_is_idempotent_and_stays_within_the_tenant() -> None:
    # GIVEN u_1 in both tenants  WHEN globex forgets u_1 twice
    make_user("u_1")
    make_user("u_1", tenant=OTHER_TENANT)
    assert forget("u_1", tenant=OTHER_TENANT)[0] == 200
    assert forget("u_1", tenant=OTHER_TENANT)[0] == 200
    # THEN acme's u_1 is untouched
    assert permissions_of("u_1")[0] == 200
    assert permissions_of("u_1", tenant=OTHER_TENANT)[0] == 404
