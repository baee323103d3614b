"""The GraphQL read API end to end through `stratus dev`'s gateway and authorizer: real tokens, the real
services behind their internal routes, two tenants."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stratus.local import LocalPlatform
from tests.e2e.conftest import Reply, request
from tests.e2e.fixtures import whole_api, whole_local  # noqa: F401  (fixtures the tests take by name)
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api
from tests.e2e.platform import eventually, tenant_with_admin, upload

pytestmark = pytest.mark.e2e

PATH = "/api/v1/graphql"


@pytest.fixture(scope="module")
def tokens(api: Api) -> dict[str, str]:
    """acme's admin (with a file), acme's member, globex's admin."""
    root = str(api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])
    acme = tenant_with_admin(api, root, "acme")
    globex = tenant_with_admin(api, root, "globex")
    assert api.register("ada@acme.example", "acme").status == 201
    assert api.register("gus@globex.example", "globex").status == 201
    member = str(api.login("ada@acme.example", PASSWORD, "acme")["accessToken"])
    upload(api, acme, b"quarterly numbers\n" * 10, name="q1.txt")
    return {"acme": acme, "member": member, "globex": globex}


def ask(api: Api, token: str | None, document: str, **variables: Any) -> Reply:
    body: dict[str, Any] = {"query": document}
    if variables:
        body["variables"] = variables
    return api.call("POST", PATH, body, token=token)


def test_me_is_the_token_s_user(api: Api, tokens: dict[str, str]) -> None:
    reply = ask(api, tokens["member"], "{ me { userId email tenantId roles } }")
    assert reply.status == 200, reply.body
    me = reply.body["data"]["me"]
    assert (me["email"], me["tenantId"], me["roles"]) == (
        "ada@acme.example",
        "acme",
        ["member"],
    )
    assert "success" not in reply.body  # GraphQL's own shape, not the envelope


def test_a_tenant_s_admin_sees_its_users_with_roles_and_files_with_owners_only(
    api: Api, tokens: dict[str, str]
) -> None:
    document = (
        "{ users(pageSize: 50) { total items { email tenantId roles } } "
        "files { items { fileName owner { email } } } }"
    )
    reply = ask(api, tokens["acme"], document)
    assert reply.status == 200, reply.body
    assert "errors" not in reply.body
    users = reply.body["data"]["users"]["items"]
    assert {u["email"] for u in users} == {"admin@acme.example", "ada@acme.example"}
    assert {u["tenantId"] for u in users} == {"acme"}
    assert {tuple(u["roles"]) for u in users} == {("tenant_admin",), ("member",)}
    [file] = reply.body["data"]["files"]["items"]
    assert file == {"fileName": "q1.txt", "owner": {"email": "admin@acme.example"}}
    # AND globex's admin, asking the same, sees none of it
    other = ask(api, tokens["globex"], document)
    assert {u["email"] for u in other.body["data"]["users"]["items"]} == {
        "admin@globex.example",
        "gus@globex.example",
    }
    assert other.body["data"]["files"]["items"] == []


def test_a_field_the_member_may_not_read_is_null_with_its_code_and_the_rest_is_answered(
    api: Api, tokens: dict[str, str]
) -> None:
    # GIVEN a member (file.read, notification.read, user.read — not audit.read)
    reply = ask(api, tokens["member"], "{ me { email } users { total } audit { total } roles { name } }")
    # THEN everything but the audit is answered, and the audit is null with audit's own code on its path
    assert reply.status == 200, reply.body
    assert reply.body["data"]["me"] == {"email": "ada@acme.example"}
    assert reply.body["data"]["users"] == {"total": 2}
    assert reply.body["data"]["audit"] is None
    assert {r["name"] for r in reply.body["data"]["roles"]} >= {"tenant_admin", "member"}
    [error] = reply.body["errors"]
    assert error["path"] == ["audit"]
    assert error["extensions"]["code"] == "PERMISSION_DENIED"


def test_audit_through_graphql_with_the_actor(api: Api, tokens: dict[str, str]) -> None:
    document = "query A($t: String) { audit(type: $t, pageSize: 10) { items { type actor { email } } } }"

    def found() -> list[dict[str, Any]] | None:
        reply = ask(api, tokens["acme"], document, t="file.uploaded")
        assert reply.status == 200, reply.body
        return list(reply.body["data"]["audit"]["items"]) or None

    records = eventually(found, what="the upload's audit record")
    assert {r["type"] for r in records} == {"file.uploaded"}
    assert records[0]["actor"] == {"email": "admin@acme.example"}


def test_no_credential_is_401_and_a_bad_token_too(api: Api) -> None:
    assert ask(api, None, "{ me { userId } }").status == 401
    assert ask(api, "not-a-token", "{ me { userId } }").status == 401


def test_malformed_bodies_are_400(api: Api, local: LocalPlatform, tokens: dict[str, str]) -> None:
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {tokens['acme']}",
    }
    for raw in (b"{not json", b"{}", json.dumps({"query": 1}).encode()):
        reply = request(f"{local.url}{PATH}", "POST", raw, headers)
        assert reply.status == 400, raw
        assert reply.body["error"]["code"] == "INVALID_REQUEST"


def test_a_depth_bomb_and_an_alias_flood_are_400(api: Api, tokens: dict[str, str]) -> None:
    bomb = ask(api, tokens["acme"], "{ " + "me { " * 30 + "userId" + " }" * 31)
    flood = ask(
        api,
        tokens["acme"],
        "{ " + " ".join(f"a{i}: me {{ userId }}" for i in range(50)) + " }",
    )
    for reply in (bomb, flood):
        assert reply.status == 400, reply.body
        assert reply.body["errors"][0]["extensions"]["code"] == "INVALID_REQUEST"
        assert "data" not in reply.body


def test_introspection_only_for_a_caller_who_sees_every_field(api: Api, tokens: dict[str, str]) -> None:
    assert ask(api, tokens["member"], "{ __schema { types { name } } }").status == 403
    admin = ask(api, tokens["acme"], "{ __schema { queryType { name } } }")
    assert admin.status == 200, admin.body
