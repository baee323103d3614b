"""grant-check and assign-roles: an invitation's privilege guard (the granter's own permissions, read by
rbac) and the invited user's roles item with exactly the granted roles."""

from __future__ import annotations

from typing import Any

from functions.rbac import (
    assign_roles,
    grant_check,
    roles_create,
    roles_update,
    user_permissions_internal,
)
from tests.unit.functions.rbac.fakes import FakeRbacStore
from tests.unit.functions.rbac.support import TENANT, call, error_code, user

ADMIN = ["*"]
MEMBER = ["file.read", "file.upload", "notification.read", "user.read"]


def grant(granter: list[str], roles: list[str], tenant: str = TENANT) -> tuple[int, dict[str, Any]]:
    """The guard for a caller holding `granter` (its permissions, as the authorizer verified them)."""
    return call(
        grant_check,
        "/internal/roles/grant-check",
        body={"tenantId": tenant, "granterPermissions": granter, "roles": roles},
        service="gateway",
    )


def give(user_id: str, roles: list[str], tenant: str = TENANT) -> tuple[int, dict[str, Any]]:
    return call(
        assign_roles,
        f"/internal/users/{user_id}/assign-roles",
        path_params={"userId": user_id},
        body={"tenantId": tenant, "roles": roles},
        service="users",
    )


def role(name: str, permissions: list[str]) -> None:
    status, payload = call(
        roles_create, "/api/v1/roles", body={"name": name, "permissions": permissions}, caller=user()
    )
    assert status == 201, payload


# --- grant-check -------------------------------------------------------------------------------------
def test_a_tenant_admin_may_grant_any_role_and_learns_its_permissions() -> None:
    role("auditor", ["audit.read", "user.read"])
    status, payload = grant(ADMIN, ["auditor", "member", "auditor"])
    assert status == 200, payload
    assert payload["data"]["roles"] == ["auditor", "member"]
    assert payload["data"]["permissions"] == sorted(
        {"audit.read", "user.read", "file.read", "file.upload", "notification.read"}
    )


def test_a_granter_holding_less_than_a_role_grants_is_403_insufficient_permissions() -> None:
    # GIVEN a member who may also invite, but not read the audit
    inviter = [*MEMBER, "user.invite"]
    role("auditor", ["audit.read"])
    # WHEN it would grant the auditor role (or tenant_admin) THEN 403 naming what it lacks
    status, payload = grant(inviter, ["auditor"])
    assert (status, error_code(payload)) == (403, "INSUFFICIENT_PERMISSIONS")
    assert payload["error"]["details"]["missing"] == ["audit.read"]
    status, payload = grant(inviter, ["tenant_admin"])
    assert (status, error_code(payload)) == (403, "INSUFFICIENT_PERMISSIONS")
    assert payload["error"]["details"]["missing"] == ["*"]
    # AND a role within what it holds is fine, and so is a wildcard that covers it
    assert grant(inviter, ["member"])[0] == 200
    assert grant(["audit.*"], ["auditor"])[0] == 200


def test_a_tenants_own_member_role_is_what_is_checked() -> None:
    # GIVEN a tenant whose member role also reads the audit
    status, payload = call(
        roles_update,
        "/api/v1/roles/member",
        path_params={"name": "member"},
        body={"permissions": [*MEMBER, "audit.read"]},
        caller=user(),
    )
    assert status == 200, payload
    # THEN a plain member (holding the builtin four) may not invite to it
    status, payload = grant(MEMBER, ["member"])
    assert (status, error_code(payload)) == (403, "INSUFFICIENT_PERMISSIONS")


def test_an_unknown_role_is_404_role_not_found() -> None:
    status, payload = grant(ADMIN, ["no_such_role"])
    assert (status, error_code(payload)) == (404, "ROLE_NOT_FOUND")
    assert payload["error"]["details"]["roles"] == ["no_such_role"]


def test_a_role_of_another_tenant_is_unknown_here() -> None:
    role("auditor", ["audit.read"])
    status, payload = grant(ADMIN, ["auditor"], tenant="globex")
    assert (status, error_code(payload)) == (404, "ROLE_NOT_FOUND")


def test_no_roles_malformed_names_or_permissions_are_400() -> None:
    for roles in ([], ["Bad Name"], ["x" * 50]):
        status, payload = grant(ADMIN, roles)
        assert (status, error_code(payload)) == (400, "INVALID_REQUEST"), roles
    status, payload = grant(["not a permission"], ["member"])
    assert (status, error_code(payload)) == (400, "INVALID_REQUEST")


# --- assign-roles ------------------------------------------------------------------------------------
def test_a_new_user_gets_exactly_the_given_roles() -> None:
    role("auditor", ["audit.read"])
    status, payload = give("u_new", ["auditor"])
    assert status == 200, payload
    assert payload["data"] == {"userId": "u_new", "roles": ["auditor"]}
    status, payload = call(
        user_permissions_internal,
        "/internal/users/u_new/permissions",
        path_params={"userId": "u_new"},
        query={"tenantId": TENANT},
        service="gateway",
    )
    assert payload["data"]["roles"] == ["auditor"]  # not member
    assert payload["data"]["permissions"] == ["audit.read"]


def test_asking_again_with_the_same_roles_is_fine_but_other_roles_are_409(rbac_store: FakeRbacStore) -> None:
    assert give("u_new", ["member"])[0] == 200
    assert give("u_new", ["member"])[0] == 200
    status, payload = give("u_new", ["tenant_admin"])
    assert (status, error_code(payload)) == (409, "CONFLICT")
    assert rbac_store.user_roles(TENANT, "u_new") == ["member"]


def test_a_role_deleted_or_never_made_is_404(rbac_store: FakeRbacStore) -> None:
    status, payload = give("u_new", ["ghost"])
    assert (status, error_code(payload)) == (404, "ROLE_NOT_FOUND")
    assert rbac_store.user_roles(TENANT, "u_new") is None
