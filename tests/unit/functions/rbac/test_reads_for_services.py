"""rbac-assignments-batch and rbac-roles-list-internal: reads for a service acting for a user (the GraphQL
read API), under the public routes' rules — the acting user's tenant, self or user.read."""

from __future__ import annotations

from typing import Any

import pytest

from functions.rbac import assignments_batch, roles_list_internal
from shared.context import UserContext
from tests.kit import dynamodb_calls
from tests.unit.functions.rbac.support import OTHER_TENANT, TENANT, call, make_user, user


def acting(module: Any, path: str, who: UserContext, body: Any = None) -> tuple[int, dict[str, Any]]:
    return call(module, path, body=body, service="graphql", headers={"x-user-context": who.to_header()})


def test_the_roles_of_a_page_of_users_in_one_call_for_the_acting_tenant_only() -> None:
    # GIVEN two acme users and one globex user
    make_user("u_1")
    make_user("u_boss", user_type="tenant_admin")
    make_user("u_eve", tenant=OTHER_TENANT)
    # WHEN acme's admin asks for all three at once
    status, payload = acting(
        assignments_batch, "/internal/roles/assignments", user(), {"userIds": ["u_1", "u_boss", "u_eve"]}
    )
    # THEN acme's two, with roles and permissions; globex's is as unknown as a made-up id
    assert status == 200, payload
    found = {u["userId"]: u["roles"] for u in payload["data"]["users"]}
    assert found == {"u_1": ["member"], "u_boss": ["tenant_admin"]}


def test_other_users_roles_need_user_read_but_one_s_own_do_not() -> None:
    make_user("u_1")
    make_user("u_2")
    plain = user("u_1", permissions=())
    status, payload = acting(assignments_batch, "/internal/roles/assignments", plain, {"userIds": ["u_1"]})
    assert status == 200
    assert [u["userId"] for u in payload["data"]["users"]] == ["u_1"]
    status, payload = acting(
        assignments_batch, "/internal/roles/assignments", plain, {"userIds": ["u_1", "u_2"]}
    )
    assert status == 403
    assert payload["error"]["code"] == "PERMISSION_DENIED"


def test_the_roles_of_the_acting_user_s_tenant() -> None:
    status, payload = acting(roles_list_internal, "/internal/roles", user(tenant=TENANT))
    assert status == 200, payload
    assert {r["name"] for r in payload["data"]["roles"]} >= {"tenant_admin", "member"}


@pytest.mark.usefixtures("dynamodb")
def test_on_dynamodb_a_page_of_users_roles_is_one_batch_read() -> None:
    # GIVEN 30 acme members and a globex one, in the real table (moto)
    ids = [f"u_{i}" for i in range(30)]
    for user_id in ids:
        make_user(user_id)
    make_user("u_eve", tenant=OTHER_TENANT)
    # WHEN acme's admin asks for all of them and globex's
    with dynamodb_calls() as seen:
        status, payload = acting(
            assignments_batch, "/internal/roles/assignments", user(), {"userIds": [*ids, "u_eve"]}
        )
    # THEN acme's 30 come back from one BatchGetItem of their roles (no read per user)
    assert status == 200, payload
    assert [u["userId"] for u in payload["data"]["users"]] == ids
    # the users' roles, and the roles' definitions unless this container has them cached
    assert 1 <= seen.count("BatchGetItem") <= 2
    assert "GetItem" not in seen
