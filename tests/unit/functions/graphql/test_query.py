"""POST /api/v1/graphql: the caller's data from the owning services, nested fields batched (no N+1),
permissions per field, the tenant from the token, and GraphQL's own answer shape (not the envelope)."""

from __future__ import annotations

from typing import Any

from functions.graphql import query as query_fn
from shared.context import UserContext
from tests.kit import FakeServices, call, error_code
from tests.unit.functions.graphql.support import ADMIN, MEMBER, OUTSIDER, TENANT, Platform, acting, calls


def ask(
    document: str,
    caller: UserContext | None = ADMIN,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"query": document}
    if variables is not None:
        body["variables"] = variables
    return call(query_fn, body=body, caller=caller, headers=headers)


def test_me_answers_the_token_s_user_with_the_email_from_users(services: FakeServices) -> None:
    # GIVEN a member (no user.read) WHEN it asks for itself
    status, payload = ask("{ me { userId email tenantId roles } }", caller=MEMBER)
    # THEN the standard GraphQL body (no envelope) carries the token's user and its stored email
    assert status == 200, payload
    assert payload == {
        "data": {
            "me": {"userId": "u_jane", "email": "u_jane@acme.test", "tenantId": TENANT, "roles": ["member"]}
        }
    }
    assert calls(services) == ["users POST /internal/users/batch"]


def test_a_page_of_users_with_nested_roles_costs_two_calls_whatever_its_size(
    services: FakeServices, data: Platform
) -> None:
    # GIVEN a tenant of 30 users
    data.users[TENANT] += [dict(u, userId=f"u_more{i}") for i, u in enumerate(data.users[TENANT] * 5)]
    for u in data.users[TENANT]:
        data.roles_of[(TENANT, u["userId"])] = ["member"]
    # WHEN an admin lists them with each one's roles and permissions
    status, payload = ask("{ users(pageSize: 30) { total items { userId roles permissions } } }")
    # THEN every user has its roles, from one users call and one rbac call (not one per user)
    assert status == 200, payload
    items = payload["data"]["users"]["items"]
    assert len(items) == 30
    assert all(i["roles"] == ["member"] or i["roles"] == ["tenant_admin"] for i in items)
    assert calls(services) == ["users GET /internal/users", "rbac POST /internal/roles/assignments"]


def test_files_with_owners_and_the_owners_roles_are_three_calls(services: FakeServices) -> None:
    # WHEN an admin lists files with each owner and the owner's roles
    status, payload = ask("{ files { items { fileId owner { email roles } } } }")
    # THEN six files, each with its owner, from one call per service
    assert status == 200, payload
    items = payload["data"]["files"]["items"]
    assert len(items) == 6
    assert all(i["owner"]["email"].endswith("@acme.test") for i in items)
    assert calls(services) == [
        "files GET /internal/files",
        "users POST /internal/users/batch",
        "rbac POST /internal/roles/assignments",
    ]
    # AND the batch asked for each distinct owner once
    [batch] = services.sent("users", "/batch")
    assert sorted(batch["userIds"]) == sorted(set(batch["userIds"]))


def test_a_field_the_caller_may_not_read_is_null_with_its_error_and_the_rest_is_answered(
    services: FakeServices,
) -> None:
    # GIVEN a member without user.read WHEN it asks for itself and the tenant's users
    status, payload = ask("{ me { userId } users { items { email } } }", caller=MEMBER)
    # THEN `me` is answered, `users` is null with PERMISSION_DENIED on its path
    assert status == 200, payload
    assert payload["data"] == {"me": {"userId": "u_jane"}, "users": None}
    [error] = payload["errors"]
    assert error["path"] == ["users"]
    assert error["extensions"]["code"] == "PERMISSION_DENIED"
    # AND users was never asked
    assert calls(services) == []


def test_a_nested_field_the_callee_refuses_carries_the_callee_s_code(services: FakeServices) -> None:
    # GIVEN a member who may read files but not other users WHEN it asks for the files' owners
    status, payload = ask("{ files { items { fileId owner { email } } } }", caller=MEMBER)
    # THEN the files are there, each owner null with users' PERMISSION_DENIED — asked once, not per file
    assert status == 200, payload
    assert all(i["owner"] is None for i in payload["data"]["files"]["items"])
    assert {e["extensions"]["code"] for e in payload["errors"]} == {"PERMISSION_DENIED"}
    assert calls(services).count("users POST /internal/users/batch") == 1


def test_a_user_sees_only_the_users_of_the_tenant_in_the_token(services: FakeServices) -> None:
    # WHEN a user of globex (with every permission) lists users and files
    status, payload = ask(
        "{ users { items { userId tenantId } } files { items { ownerId } } }", caller=OUTSIDER
    )
    # THEN only globex's come back, and every call acted for globex's user
    assert status == 200, payload
    assert {u["tenantId"] for u in payload["data"]["users"]["items"]} == {"globex"}
    assert not {"u_admin", "u_jane"} & {u["userId"] for u in payload["data"]["users"]["items"]}


def test_a_tenant_header_other_than_the_token_s_is_refused_before_any_read(services: FakeServices) -> None:
    # WHEN acme's admin names globex in X-Tenant-ID
    status, payload = ask("{ users { items { userId } } }", headers={"x-tenant-id": "globex"})
    # THEN 403, nothing read
    assert status == 403
    assert error_code(payload) == "FORBIDDEN"
    assert calls(services) == []


def test_no_credential_is_the_platform_s_401(services: FakeServices) -> None:
    status, payload = ask("{ me { userId } }", caller=None)
    # (the authorizer's refusal, as an envelope: there is no GraphQL request without a user)
    assert status == 401
    assert payload["success"] is False
    assert error_code(payload) in ("UNAUTHORIZED", "INVALID_TOKEN")


def test_roles_notifications_and_audit_with_filters(services: FakeServices) -> None:
    # WHEN an admin asks for the tenant's roles, its inbox and audit records of one type, with actors
    status, payload = ask(
        "{ roles { name } notifications(unread: true) { total items { title read } } "
        'audit(type: "user.deleted", from: "2026-01-01T00:00:00Z") { items { type data actor { email } } } }'
    )
    # THEN each comes from its service, the filters passed on
    assert status == 200, payload
    assert payload["data"]["roles"] == [{"name": "member"}]
    assert payload["data"]["notifications"]["items"] == [{"title": "Welcome", "read": False}]
    [record] = payload["data"]["audit"]["items"]
    assert record == {"type": "user.deleted", "data": {"k": 1}, "actor": {"email": "u_admin@acme.test"}}
    [audit_call] = [r for r in services.requests if r.service == "audit"]
    assert audit_call.query["type"] == "user.deleted"
    assert audit_call.query["from"] == "2026-01-01T00:00:00Z"
    assert [r.query["unread"] for r in services.requests if r.service == "notification"] == ["true"]


def test_variables_are_applied_and_a_wrong_type_is_400(services: FakeServices) -> None:
    document = "query Q($n: Int) { users(pageSize: $n) { items { userId } } }"
    status, payload = ask(document, variables={"n": 2})
    assert status == 200
    assert len(payload["data"]["users"]["items"]) == 2
    status, payload = ask(document, variables={"n": "two"})
    assert status == 400
    assert payload["errors"][0]["extensions"]["code"] == "INVALID_REQUEST"
    assert "data" not in payload


def test_a_page_size_out_of_range_is_an_invalid_request_on_that_field(services: FakeServices) -> None:
    status, payload = ask("{ me { userId } users(pageSize: 500) { total } }")
    assert status == 200
    assert payload["data"]["users"] is None
    assert payload["errors"][0]["extensions"] == {"code": "INVALID_REQUEST", "field": "pageSize"}
    assert calls(services) == []


def test_an_unexpected_failure_is_an_internal_error_that_shows_nothing(services: FakeServices) -> None:
    # GIVEN files answering outside its model
    services.routes.insert(
        0, ("files", "GET", __import__("re").compile("^/internal/files$"), lambda r, b: {"x": 1})
    )
    status, payload = ask("{ me { userId } files { total } }")
    assert status == 200
    assert payload["data"]["me"] == {"userId": "u_admin"}
    [error] = payload["errors"]
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
    assert "FileListing" not in error["message"]


def test_a_user_context_header_sent_by_the_client_is_ignored(services: FakeServices) -> None:
    # GIVEN acme's member sending globex's admin as X-User-Context beside its own token
    forged = {"x-user-context": OUTSIDER.to_header()}
    status, payload = ask(
        "{ me { userId tenantId } files { items { fileId } } }", caller=MEMBER, headers=forged
    )
    # THEN it is still acme's member, reading acme's files, and every call acted for it
    assert status == 200, payload
    assert payload["data"]["me"] == {"userId": "u_jane", "tenantId": TENANT}
    assert {f["fileId"][:6] for f in payload["data"]["files"]["items"]} == {"f_acme"}
    assert {acting(r).user_id for r in services.requests} == {"u_jane"}
