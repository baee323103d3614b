"""The config API: scopes merged with each part shown, versions, rollback, schemas, optimistic concurrency,
config.changed through the outbox — and every bad input or attack refused with the right status."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from functions.config import flags as flags_fn
from functions.config import get, put, rollback, versions
from shared import outbox
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from tests.kit import call, error_code, user
from tests.unit.functions.config.conftest import (
    ACME_ADMIN,
    GLOBEX_ADMIN,
    MEMBER,
    READER,
    ROOT,
    given_plan,
)

Reply = tuple[int, dict[str, Any]]


def write(scope: str, key: str, value: Any, caller: Any = ACME_ADMIN, **extra: Any) -> Reply:
    headers = extra.pop("headers", None)
    return call(
        put,
        params={"scope": scope, "key": key},
        body={"value": value, **extra},
        caller=caller,
        headers=headers,
    )


def read(scope: str, key: str, caller: Any = ACME_ADMIN) -> Reply:
    return call(get, params={"scope": scope, "key": key}, caller=caller)


def history(scope: str, key: str, caller: Any = ACME_ADMIN, **query: str) -> Reply:
    return call(versions, params={"scope": scope, "key": key}, query=query or None, caller=caller)


def back(scope: str, key: str, version: int, caller: Any = ACME_ADMIN, **extra: Any) -> Reply:
    return call(
        rollback, params={"scope": scope, "key": key}, body={"version": version, **extra}, caller=caller
    )


def ok(reply: Reply) -> Any:
    status, body = reply
    assert status == 200, body
    return body["data"]


def rule(action: str, key: str, value: Any) -> dict[str, Any]:
    return {"when_match": True, "conditions": [{"action": action, "key": key, "value": value}]}


# --- the merge -------------------------------------------------------------------------------------------
def test_a_get_merges_platform_plan_tenant_and_app_and_shows_each_part() -> None:
    # GIVEN acme on the premium plan and a document of `checkout` at every scope
    given_plan("acme", "premium")
    ok(write("platform", "checkout", {"currency": "EUR", "limits": {"items": 10, "coupons": 1}}, ROOT))
    ok(write("plan:premium", "checkout", {"limits": {"items": 50}}, ROOT))
    ok(write("tenant", "checkout", {"currency": "USD", "limits": {"coupons": None}}))
    ok(write("app:shop", "checkout", {"express": True}))
    # WHEN acme's admin reads the app scope
    doc = ok(read("app:shop", "checkout"))
    # THEN the effective value is the merge, later scopes winning, a null member removed
    assert doc["effective"] == {"currency": "USD", "limits": {"items": 50}, "express": True}
    # AND each scope's own part is listed, lowest first, with its version
    assert [(layer["scope"], layer["version"]) for layer in doc["layers"]] == [
        ("platform", 1),
        ("plan:premium", 1),
        ("tenant:acme", 1),
        ("app:shop", 1),
    ]
    assert doc["layers"][2]["value"] == {"currency": "USD", "limits": {"coupons": None}}
    assert (doc["scope"], doc["version"], doc["value"], doc["plan"]) == (
        "app:shop",
        1,
        {"express": True},
        "premium",
    )
    assert doc["updatedBy"] == "u_acme_admin"
    # AND the tenant scope leaves the app out, the platform scope is the platform's alone
    assert ok(read("tenant", "checkout"))["effective"] == {"currency": "USD", "limits": {"items": 50}}
    assert ok(read("platform", "checkout", ROOT))["effective"] == {
        "currency": "EUR",
        "limits": {"items": 10, "coupons": 1},
    }


def test_a_key_nobody_wrote_reads_as_version_zero_and_null() -> None:
    doc = ok(read("tenant", "nothing"))
    assert (doc["version"], doc["value"], doc["effective"], doc["plan"]) == (0, None, None, None)
    assert [layer["scope"] for layer in doc["layers"]] == ["platform", "tenant:acme"]


# --- versions and rollback -------------------------------------------------------------------------------
def test_every_write_is_a_version_with_who_and_when_listed_newest_first_in_pages() -> None:
    # GIVEN five writes
    for n in range(1, 6):
        assert ok(write("tenant", "theme", {"n": n}, ifVersion=n - 1))["version"] == n
    # WHEN the history is read two at a time
    seen: list[int] = []
    status, body = history("tenant", "theme", pageSize="2")
    while True:
        assert status == 200, body
        assert body["pagination"]["total"] == 5
        seen += [v["version"] for v in body["data"]]
        assert all(v["updatedBy"] == "u_acme_admin" and v["updatedAt"] for v in body["data"])
        if not body["pagination"]["hasNext"]:
            break
        status, body = history("tenant", "theme", pageSize="2", cursor=body["pagination"]["nextCursor"])
    # THEN every version is there, newest first, each with its value
    assert seen == [5, 4, 3, 2, 1]


def test_a_rollback_writes_a_new_version_equal_to_the_old_one() -> None:
    ok(write("tenant", "theme", {"color": "red"}))
    ok(write("tenant", "theme", {"color": "blue"}, ifVersion=1))
    # WHEN acme rolls back to version 1
    doc = ok(back("tenant", "theme", 1))
    # THEN version 3 holds version 1's value, and the history keeps all three
    assert (doc["version"], doc["value"]) == (3, {"color": "red"})
    newest = ok(history("tenant", "theme"))[0]
    assert (newest["version"], newest["action"], newest["rolledBackTo"]) == (3, "rollback", 1)
    assert [v["value"]["color"] for v in ok(history("tenant", "theme"))] == ["red", "blue", "red"]


def test_rollback_to_a_version_that_does_not_exist_is_404() -> None:
    # GIVEN a key at version 1  WHEN a rollback names version 7  THEN 404 and nothing is written
    ok(write("tenant", "theme", {"color": "red"}))
    status, body = back("tenant", "theme", 7)
    assert (status, error_code(body), body["error"]["field"]) == (404, "NOT_FOUND", "version")
    assert ok(read("tenant", "theme"))["version"] == 1


def test_a_rollback_that_names_a_stale_current_version_is_409() -> None:
    ok(write("tenant", "theme", {"color": "red"}))
    ok(write("tenant", "theme", {"color": "blue"}, ifVersion=1))
    status, body = back("tenant", "theme", 1, ifVersion=1)
    assert (status, error_code(body)) == (409, "CONFLICT")


# --- optimistic concurrency ------------------------------------------------------------------------------
def test_concurrent_writes_one_wins_the_other_is_409_and_nothing_is_merged() -> None:
    # GIVEN a document at version 1, read by two writers
    ok(write("tenant", "limits", {"a": 1, "b": 1}))
    # WHEN both write what they made of version 1
    first = write("tenant", "limits", {"a": 2, "b": 1}, ifVersion=1)
    second = write("tenant", "limits", {"a": 1, "b": 2}, ifVersion=1)
    # THEN the first is version 2, the second is refused with the current version
    assert ok(first)["version"] == 2
    assert (second[0], error_code(second[1])) == (409, "CONFLICT")
    assert second[1]["error"]["details"] == {"ifVersion": 1, "currentVersion": 2}
    # AND the stored value is exactly the first's: no silent merge, no lost version
    assert ok(read("tenant", "limits"))["value"] == {"a": 2, "b": 1}
    assert [v["version"] for v in ok(history("tenant", "limits"))] == [2, 1]


def test_racing_writers_in_threads_commit_exactly_one_version_each_read() -> None:
    # GIVEN version 1, and eight writers who all read it
    ok(write("tenant", "limits", {"n": 0}))
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def writer(n: int) -> None:
        barrier.wait()
        statuses.append(write("tenant", "limits", {"n": n}, ifVersion=1)[0])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # THEN exactly one committed, every other got 409, and the history has versions 1 and 2 only
    assert sorted(statuses) == [200] + [409] * 7
    assert [v["version"] for v in ok(history("tenant", "limits"))] == [2, 1]


def test_the_version_read_can_come_in_if_match() -> None:
    ok(write("tenant", "limits", {"n": 1}))
    assert ok(write("tenant", "limits", {"n": 2}, headers={"If-Match": '"1"'}))["version"] == 2
    stale = write("tenant", "limits", {"n": 3}, headers={"If-Match": '"1"'})
    assert (stale[0], error_code(stale[1])) == (409, "CONFLICT")
    # both given and different: which one did the writer read? 400
    mixed = write("tenant", "limits", {"n": 3}, ifVersion=2, headers={"If-Match": '"1"'})
    assert (mixed[0], mixed[1]["error"]["field"]) == (409, "ifVersion")
    garbage = write("tenant", "limits", {"n": 3}, headers={"If-Match": "yesterday"})
    assert (garbage[0], garbage[1]["error"]["field"]) == (
        400,
        "if-match",
    )  # refused by the header's published pattern


def test_a_write_without_the_version_read_only_creates() -> None:
    ok(write("tenant", "limits", {"n": 1}))
    status, body = write("tenant", "limits", {"n": 2})
    assert (status, error_code(body)) == (409, "CONFLICT")


# --- schemas ---------------------------------------------------------------------------------------------
LIMITS_SCHEMA = {
    "type": "object",
    "properties": {
        "maxUploads": {"type": "integer", "minimum": 1},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["maxUploads"],
}


def test_a_value_that_fails_its_schema_is_400_with_the_json_path() -> None:
    # GIVEN a schema registered for `limits` and the platform's default
    ok(write("platform", "schema.limits", LIMITS_SCHEMA, ROOT))
    ok(write("platform", "limits", {"maxUploads": 10}, ROOT))
    # WHEN a tenant writes a wrong type deep inside
    status, body = write("tenant", "limits", {"tags": ["a", 2]})
    # THEN 400 names the path, in `field` and in `details`
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")
    assert body["error"]["field"] == "value.tags[1]"
    assert body["error"]["details"][0]["path"] == "value.tags[1]"
    # AND a wrong value at the top
    status, body = write("tenant", "limits", {"maxUploads": 0})
    assert (status, body["error"]["field"]) == (400, "value.maxUploads")
    # AND nothing was written
    assert ok(read("tenant", "limits"))["version"] == 0
    # WHILE a partial document whose effective value is valid is fine (`required` is the platform's)
    assert ok(write("tenant", "limits", {"tags": ["a"]}))["effective"] == {"maxUploads": 10, "tags": ["a"]}


def test_a_platform_value_missing_what_its_schema_requires_is_400() -> None:
    ok(write("platform", "schema.limits", LIMITS_SCHEMA, ROOT))
    status, body = write("platform", "limits", {"tags": []}, ROOT)
    assert (status, body["error"]["field"]) == (400, "value")
    assert "maxUploads" in body["error"]["message"]


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ({"$ref": "http://169.254.169.254/latest/meta-data"}, "value.$ref"),
        ({"properties": {"a": {"$ref": "file:///etc/passwd"}}}, "value.properties.a.$ref"),
        ({"$id": "file:///etc/", "type": "object"}, "value.$id"),
        ({"type": "no-such-type"}, "value"),
        ({"properties": 3}, "value"),
        ({"$schema": "http://json-schema.org/draft-04/schema#"}, "value.$schema"),
        ("not a schema", "value"),
    ],
)
def test_a_schema_that_is_not_a_safe_json_schema_is_400(schema: Any, field: str) -> None:
    status, body = write("platform", "schema.limits", schema, ROOT)
    assert (status, error_code(body), body["error"]["field"]) == (400, "INVALID_REQUEST", field)


def test_schemas_live_at_the_platform_and_flags_have_theirs_in_code() -> None:
    status, body = write("tenant", "schema.limits", LIMITS_SCHEMA)
    assert (status, body["error"]["field"]) == (400, "key")
    status, body = write("platform", "schema.flags", {"type": "object"}, ROOT)
    assert (status, body["error"]["field"]) == (400, "key")


def test_a_flag_rule_with_an_unknown_operator_is_400() -> None:
    # GIVEN a tenant admin  WHEN a flag's rule uses an operator Powertools does not have
    bad = {"new-checkout": {"default": False, "rules": {"beta": rule("SOUNDS_LIKE", "roles", ["beta"])}}}
    status, body = write("tenant", "flags", bad)
    # THEN 400 with the path of the operator
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")
    assert body["error"]["field"] == "value.new-checkout.rules.beta.conditions[0].action"
    assert "SOUNDS_LIKE" in body["error"]["message"]
    assert ok(read("tenant", "flags"))["version"] == 0


def test_flags_are_checked_as_merged_so_a_scope_may_give_only_what_it_overrides() -> None:
    ok(
        write(
            "platform",
            "flags",
            {"f": {"default": False, "rules": {"all": rule("IN", "tenantId", ["x"])}}},
            ROOT,
        )
    )
    assert ok(write("tenant", "flags", {"f": {"default": True, "rules": None}}))["effective"] == {
        "f": {"default": True}
    }
    # but a flag new at the tenant must be whole
    status, body = write("tenant", "flags", {"g": {"rules": {}}}, ifVersion=1)
    assert (status, body["error"]["field"]) == (400, "value.g")
    status, body = write("tenant", "flags", ["not", "flags"], ifVersion=1)
    assert (status, body["error"]["field"]) == (400, "value")


def test_a_document_over_64_kib_is_413() -> None:
    status, body = write("tenant", "big", {"blob": "x" * 70_000})
    assert (status, error_code(body)) == (413, "PAYLOAD_TOO_LARGE")


# --- who may address what --------------------------------------------------------------------------------
@pytest.mark.parametrize("scope", ["platform", "plan:premium"])
def test_a_tenant_admin_writing_the_platform_or_a_plan_scope_is_403(scope: str) -> None:
    status, body = write(scope, "flags", {"f": {"default": True}})
    assert (status, error_code(body), body["error"]["field"]) == (403, "FORBIDDEN", "scope")
    status, body = read(scope, "flags")
    assert status == 403
    assert ok(read("platform", "flags", ROOT))["version"] == 0


def test_a_tenant_reading_another_tenants_config_is_404_as_if_it_did_not_exist() -> None:
    # GIVEN globex has configuration
    ok(write("tenant", "theme", {"color": "green"}, GLOBEX_ADMIN))
    # WHEN acme's admin addresses globex's tenant scope, for any operation
    for reply in (
        read("tenant:globex", "theme"),
        history("tenant:globex", "theme"),
        write("tenant:globex", "theme", {"color": "red"}, ifVersion=1),
        back("tenant:globex", "theme", 1),
        read("tenant:no-such-tenant", "theme"),
    ):
        # THEN 404, the same as for a tenant that does not exist
        assert (reply[0], error_code(reply[1])) == (404, "NOT_FOUND")
    # AND globex's value is untouched; acme may name its own tenant explicitly
    assert ok(read("tenant", "theme", GLOBEX_ADMIN))["value"] == {"color": "green"}
    assert ok(read("tenant:acme", "theme"))["scope"] == "tenant:acme"


def test_a_platform_admin_may_address_any_tenant() -> None:
    given_plan("globex", "free")
    ok(write("tenant:globex", "theme", {"color": "red"}, ROOT))
    doc = ok(read("tenant", "theme", GLOBEX_ADMIN))
    assert (doc["value"], doc["updatedBy"], doc["plan"]) == ({"color": "red"}, "u_root", "free")


def test_a_member_without_config_write_is_403_and_without_config_read_too() -> None:
    status, body = write("tenant", "theme", {"color": "red"}, MEMBER)
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")
    assert body["error"]["details"] == {"permission": "config.write"}
    status, body = read("tenant", "theme", MEMBER)
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")
    # a reader reads but does not write or roll back
    assert ok(read("tenant", "theme", READER))["version"] == 0
    assert write("tenant", "theme", {"x": 1}, READER)[0] == 403
    assert back("tenant", "theme", 1, READER)[0] == 403


def test_a_platform_tenant_user_without_config_write_cannot_write_the_platform() -> None:
    viewer = user("u_viewer", tenant="platform", permissions=("config.read",), roles=("viewer",))
    assert ok(read("platform", "flags", viewer))["version"] == 0
    assert write("platform", "flags", {}, viewer)[0] == 403


@pytest.mark.parametrize(
    ("scope", "key", "field"),
    [
        ("galaxy", "flags", "scope"),
        ("plan", "flags", "scope"),
        ("platform:x", "flags", "scope"),
        ("app:", "flags", "scope"),
        ("plan:Premium!", "flags", "scope"),
        ("tenant", "Flags", "key"),
        ("tenant", "a b", "key"),
        ("tenant", "k" * 81, "key"),
    ],
)
def test_a_malformed_scope_or_key_is_400(scope: str, key: str, field: str) -> None:
    status, body = read(scope, key, ROOT)
    assert (status, error_code(body), body["error"]["field"]) == (400, "INVALID_REQUEST", field)


def test_an_unauthenticated_request_is_401() -> None:
    status, _body = call(get, params={"scope": "tenant", "key": "flags"})
    assert status == 401


# --- config.changed --------------------------------------------------------------------------------------
def test_every_change_is_announced_through_the_outbox(published: list[ServiceEvent]) -> None:
    ok(write("tenant", "theme", {"color": "red"}))
    ok(back("tenant", "theme", 1))
    ok(write("platform", "theme", {"color": "grey"}, ROOT))
    assert [e.type for e in published] == ["config.changed"] * 3
    assert [e.data for e in published] == [
        {
            "scope": "tenant:acme",
            "key": "theme",
            "version": 1,
            "previousVersion": 0,
            "action": "set",
            "tenantId": "acme",
        },
        {
            "scope": "tenant:acme",
            "key": "theme",
            "version": 2,
            "previousVersion": 1,
            "action": "rollback",
            "rolledBackTo": 1,
            "tenantId": "acme",
        },
        {"scope": "platform", "key": "theme", "version": 1, "previousVersion": 0, "action": "set"},
    ]  # fmt: skip
    assert [(e.source, e.tenant_id, e.user_id) for e in published] == [
        ("config", "acme", "u_acme_admin"),
        ("config", "acme", "u_acme_admin"),
        ("config", "platform", "u_root"),
    ]
    assert outbox.pending_count() == 0


def test_a_write_succeeds_while_the_bus_is_down_and_its_event_waits_in_the_outbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def down(*_: ServiceEvent) -> None:
        raise QueueUnavailable("down")

    monkeypatch.setattr(publisher, "send", down)
    assert ok(write("tenant", "theme", {"color": "red"}))["version"] == 1
    assert outbox.pending_count() == 1


def test_a_refused_write_stages_no_event(published: list[ServiceEvent]) -> None:
    ok(write("tenant", "theme", {"color": "red"}))
    write("tenant", "theme", {"color": "blue"}, ifVersion=0)
    assert len(published) == 1
    assert outbox.pending_count() == 0


# --- the caller's flags ----------------------------------------------------------------------------------
def test_get_flags_evaluates_every_flag_for_the_caller() -> None:
    given_plan("acme", "premium")
    ok(
        write(
            "platform",
            "flags",
            {
                "everyone": {"default": True},
                "nobody": {"default": False},
                "acme-only": {"default": False, "rules": {"acme": rule("EQUALS", "tenantId", "acme")}},
                "premium": {"default": False, "rules": {"premium": rule("EQUALS", "plan", "premium")}},
                "admins": {"default": False, "rules": {"a": rule("ANY_IN_VALUE", "roles", ["tenant_admin"])}},
            },
            ROOT,
        )
    )
    assert ok(call(flags_fn, caller=ACME_ADMIN))["flags"] == {
        "everyone": True,
        "nobody": False,
        "acme-only": True,
        "premium": True,
        "admins": True,
    }
    assert ok(call(flags_fn, caller=MEMBER))["flags"]["admins"] is False
    globex = ok(call(flags_fn, caller=GLOBEX_ADMIN))["flags"]
    assert (globex["acme-only"], globex["premium"]) == (False, False)


def test_a_flags_write_is_seen_by_the_next_request_in_the_same_container() -> None:
    ok(write("tenant", "flags", {"f": {"default": False}}))
    assert ok(call(flags_fn, caller=ACME_ADMIN))["flags"] == {"f": False}
    ok(write("tenant", "flags", {"f": {"default": True}}, ifVersion=1))
    assert ok(call(flags_fn, caller=ACME_ADMIN))["flags"] == {"f": True}


def test_tenant_admin_holds_the_config_permissions_member_does_not_and_a_role_can_grant_them() -> None:
    from functions.rbac.models import NewRole
    from functions.rbac.roles import BUILTIN, MEMBER, TENANT_ADMIN
    from shared.permissions import allows

    for needed in ("config.read", "config.write"):
        assert allows(BUILTIN[TENANT_ADMIN], needed)
        assert not allows(BUILTIN[MEMBER], needed)
    role = NewRole.model_validate({"name": "config_editor", "permissions": ["config.read", "config.write"]})
    assert role.permissions == ["config.read", "config.write"]
