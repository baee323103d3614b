"""The configuration center and feature flags end to end, through `stratus dev`'s gateway: scopes merged
(platform < plan < tenant < app), versions and rollback, schemas, optimistic concurrency, flags evaluated
per caller, config.changed in the audit trail, and the `stratus config` / `stratus flags` commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stratus import cli
from stratus.local import LocalPlatform
from tests.e2e.fixtures import platform_admin, whole_api, whole_local  # noqa: F401  (fixtures the tests take by name)
from tests.e2e.identity import PASSWORD, Api
from tests.e2e.platform import eventually, tenant_with_admin

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def acme(api: Api, root: str) -> str:
    """acme (standard plan), once the config service has heard of its plan (tenant.created)."""
    token = tenant_with_admin(api, root, "acme")
    eventually(lambda: doc(api, token, "tenant", "flags")["plan"] == "standard", what="acme's plan")
    return token


@pytest.fixture(scope="module")
def ada(api: Api, acme: str) -> dict[str, Any]:
    """A member of acme (no config permission)."""
    assert api.register("ada@acme.example", "acme").status == 201
    return api.login("ada@acme.example", PASSWORD, "acme")


def doc(api: Api, token: str, scope: str, key: str) -> Any:
    reply = api.call("GET", f"/api/v1/config/{scope}/{key}", token=token)
    assert reply.status == 200, reply.body
    return reply.body["data"]


def put(api: Api, token: str, scope: str, key: str, value: Any, **extra: Any) -> Any:
    headers = extra.pop("headers", {})
    body = {"value": value, **extra}
    return api.call("PUT", f"/api/v1/config/{scope}/{key}", body, token=token, **headers)


def error(reply: Any) -> tuple[int, str, str | None]:
    return reply.status, reply.body["error"]["code"], reply.body["error"].get("field")


def rule(action: str, key: str, value: Any, when: bool = True) -> dict[str, Any]:
    return {"when_match": when, "conditions": [{"action": action, "key": key, "value": value}]}


ADMINS = rule("ANY_IN_VALUE", "roles", ["tenant_admin"])
PLATFORM_FLAGS = {
    "new-checkout": {"default": False, "rules": {"beta testers": ADMINS}},
    "standard-perk": {"default": False},
    "everyone": {"default": True},
    "half": {"default": False, "rules": {"half": rule("KEY_LESS_THAN_VALUE", "rolloutBucket", 50)}},
}  # fmt: skip


# --- the API ----------------------------------------------------------------------------------------------
def test_flags_merge_across_scopes_and_are_evaluated_per_caller(
    api: Api, root: str, acme: str, ada: dict[str, Any]
) -> None:
    # GIVEN the platform's flags, the standard plan's override and acme's own
    assert put(api, root, "platform", "flags", PLATFORM_FLAGS).status == 200
    assert put(api, root, "plan:standard", "flags", {"standard-perk": {"default": True}}).status == 200
    tenant_flags = {"everyone": {"default": False}, "acme-beta": {"default": True}}
    assert put(api, acme, "tenant", "flags", tenant_flags, ifVersion=0).status == 200
    # WHEN acme's admin reads the key
    found = doc(api, acme, "tenant", "flags")
    # THEN the effective value is the merge and each scope's part is shown, lowest first
    assert [(layer["scope"], layer["version"]) for layer in found["layers"]] == [
        ("platform", 1),
        ("plan:standard", 1),
        ("tenant:acme", 1),
    ]
    assert found["effective"]["standard-perk"] == {"default": True}
    assert found["effective"]["everyone"] == {"default": False}
    assert found["effective"]["new-checkout"] == PLATFORM_FLAGS["new-checkout"]
    # AND the flags are evaluated for each caller: the admin's role turns new-checkout on, not ada's
    admin_flags = api.call("GET", "/api/v1/flags", token=acme).body["data"]["flags"]
    ada_flags = api.call("GET", "/api/v1/flags", token=ada["accessToken"]).body["data"]["flags"]
    assert admin_flags["new-checkout"] is True
    assert ada_flags["new-checkout"] is False
    for flags in (admin_flags, ada_flags):
        assert (flags["standard-perk"], flags["everyone"], flags["acme-beta"]) == (True, False, True)
        assert isinstance(flags["half"], bool)
    # AND the platform tenant (premium, no tenant flags) sees the platform's values
    root_flags = api.call("GET", "/api/v1/flags", token=root).body["data"]["flags"]
    assert (root_flags["everyone"], root_flags["standard-perk"]) == (True, False)


def test_versions_rollback_and_optimistic_concurrency(api: Api, acme: str) -> None:
    # GIVEN two versions of acme's theme
    assert put(api, acme, "tenant", "theme", {"color": "red"}).status == 200
    assert put(api, acme, "tenant", "theme", {"color": "blue"}, headers={"If_Match": '"1"'}).status == 200
    # WHEN a second writer who also read version 1 writes
    stale = put(api, acme, "tenant", "theme", {"color": "green"}, ifVersion=1)
    # THEN 409, and the stored value is the first writer's
    assert error(stale)[:2] == (409, "CONFLICT")
    assert doc(api, acme, "tenant", "theme")["value"] == {"color": "blue"}
    # WHEN acme rolls back to version 1
    rolled = api.call("POST", "/api/v1/config/tenant/theme/rollback", {"version": 1}, token=acme)
    assert rolled.status == 200, rolled.body
    assert (rolled.body["data"]["version"], rolled.body["data"]["value"]) == (3, {"color": "red"})
    # THEN the history has three versions, newest first, the last a rollback of version 1
    listed = api.call("GET", "/api/v1/config/tenant/theme/versions?pageSize=2", token=acme).body
    assert listed["pagination"]["total"] == 3
    assert [(v["version"], v["action"], v["rolledBackTo"]) for v in listed["data"]] == [
        (3, "rollback", 1),
        (2, "set", None),
    ]
    assert listed["pagination"]["hasNext"] is True
    # AND a rollback to a version that never was is 404
    missing = api.call("POST", "/api/v1/config/tenant/theme/rollback", {"version": 99}, token=acme)
    assert error(missing) == (404, "NOT_FOUND", "version")


def test_schemas_validate_the_effective_value(api: Api, root: str, acme: str) -> None:
    # GIVEN a schema for `limits` and the platform's default
    schema = {
        "type": "object",
        "properties": {"maxUploads": {"type": "integer", "minimum": 1}, "tags": {"type": "array"}},
        "required": ["maxUploads"],
    }
    assert put(api, root, "platform", "schema.limits", schema).status == 200
    assert put(api, root, "platform", "limits", {"maxUploads": 5}).status == 200
    # WHEN acme writes a value that breaks it  THEN 400 with the JSON path
    assert error(put(api, acme, "tenant", "limits", {"maxUploads": "many"})) == (
        400,
        "INVALID_REQUEST",
        "value.maxUploads",
    )
    # AND a valid override works and merges
    assert put(api, acme, "tenant", "limits", {"maxUploads": 50}).body["data"]["effective"] == {
        "maxUploads": 50
    }
    # AND a schema that reaches outside itself is refused
    outside = put(api, root, "platform", "schema.other", {"$ref": "http://169.254.169.254/"})
    assert error(outside) == (400, "INVALID_REQUEST", "value.$ref")


def test_bad_input_and_attacks(api: Api, root: str, acme: str, ada: dict[str, Any]) -> None:
    globex = tenant_with_admin(api, root, "globex")
    assert put(api, globex, "tenant", "secret", {"apiKey": "globex-only"}).status == 200
    # a flag rule with an unknown operator
    bad_rule = {"f": {"default": False, "rules": {"r": rule("LOOKS_LIKE", "tenantId", "acme")}}}
    assert error(put(api, acme, "app:shop", "flags", bad_rule)) == (
        400,
        "INVALID_REQUEST",
        "value.f.rules.r.conditions[0].action",
    )
    # a tenant admin writing the platform or a plan scope
    assert error(put(api, acme, "platform", "flags", {}))[:2] == (403, "FORBIDDEN")
    assert error(put(api, acme, "plan:premium", "flags", {}))[:2] == (403, "FORBIDDEN")
    # a tenant reading another tenant's config: 404, as for a tenant that does not exist
    for path in ("/api/v1/config/tenant:globex/secret", "/api/v1/config/tenant:globex/secret/versions"):
        assert error(api.call("GET", path, token=acme))[:2] == (404, "NOT_FOUND")
    assert error(api.call("GET", "/api/v1/config/tenant:nobody/secret", token=acme))[:2] == (404, "NOT_FOUND")
    # the tenant comes from the token: a header naming another tenant is refused
    spoofed = api.call("GET", "/api/v1/config/tenant/secret", token=acme, X_Tenant_ID="globex")
    assert spoofed.status == 403
    # a member without config.write
    assert error(put(api, ada["accessToken"], "tenant", "theme", {"color": "pink"}))[:2] == (
        403,
        "PERMISSION_DENIED",
    )
    # a platform admin may address any tenant (an encoded colon works too)
    assert doc(api, root, "tenant%3Aglobex", "secret")["value"] == {"apiKey": "globex-only"}


def test_changes_are_audited(api: Api, acme: str) -> None:
    assert put(api, acme, "tenant", "audited", {"on": True}).status == 200

    def recorded() -> list[dict[str, Any]] | None:
        found = api.call("GET", "/api/v1/audit?type=config.changed&pageSize=100", token=acme).body["data"]
        mine = [r for r in found if r["data"]["key"] == "audited"]
        return mine or None

    [record] = eventually(recorded, what="the config.changed audit record")
    assert record["data"] == {
        "scope": "tenant:acme",
        "key": "audited",
        "version": 1,
        "previousVersion": 0,
        "action": "set",
        "tenantId": "acme",
    }
    assert record["source"] == "config"


# --- the commands -----------------------------------------------------------------------------------------
def test_the_config_and_flags_commands(
    local: LocalPlatform,
    acme: str,
    ada: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("STRATUS_STATE_DIR", str(tmp_path))  # not this checkout's own `stratus dev`
    monkeypatch.setenv("STRATUS_PASSWORD", PASSWORD)
    as_acme = ["--gateway", local.url, "--as", "admin@acme.example@acme"]
    # set (reads the current version first), get, history, rollback
    assert cli.main(["config", "set", "tenant", "banner", '{"text": "hello"}', *as_acme]) == 0
    assert cli.main(["config", "set", "tenant", "banner", '{"text": "bye"}', *as_acme]) == 0
    capsys.readouterr()
    assert cli.main(["config", "get", "tenant", "banner", "--effective", *as_acme]) == 0
    assert '"text": "bye"' in capsys.readouterr().out
    assert cli.main(["config", "history", "tenant", "banner", *as_acme]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["v2", "v1"]
    assert cli.main(["config", "rollback", "tenant", "banner", "1", *as_acme]) == 0
    assert '"text": "hello"' in capsys.readouterr().out
    # a stale --if-version is refused with the API's 409
    assert cli.main(["config", "set", "tenant", "banner", "{}", "--if-version", "1", *as_acme]) == 1
    assert "409 CONFLICT" in capsys.readouterr().err
    # flags eval as a user: a tenant flag for admins (written with the command) is on for the admin only
    beta = {
        "cli-beta": {"default": False, "rules": {"admins": rule("ANY_IN_VALUE", "roles", ["tenant_admin"])}}
    }
    assert cli.main(["config", "set", "tenant", "flags", json.dumps(beta), *as_acme]) == 0
    capsys.readouterr()
    as_ada = ["--gateway", local.url, "--as", "ada@acme.example@acme"]
    assert cli.main(["flags", "eval", "cli-beta", *as_acme]) == 0
    assert cli.main(["flags", "eval", "cli-beta", *as_ada]) == 0
    assert cli.main(["flags", "eval", "nobody-defined-it", *as_ada]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "cli-beta: on for admin@acme.example@acme",
        "cli-beta: off for ada@acme.example@acme",
        "nobody-defined-it: not defined for ada@acme.example@acme (off)",
    ]
