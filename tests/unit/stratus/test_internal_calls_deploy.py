"""Internal calls are off the public API in both AWS deployments (issue 11 item 3): no `/internal/*` HTTP
route but the documented ones, and each function's role invokes exactly the functions its `calls=` names —
read from the generated templates (osls stacks, the monolith, Terraform's data), against the declarations."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from functions.catalog import registry
from shared.config import Settings
from shared.declarations import Auth, Function, Route
from shared.registry import Registry
from stratus.deploy import serverless, terraform
from stratus.deploy.cloudformation import logical
from tests.unit.stratus import test_deploy_drift as drift

ROOT = Path(__file__).resolve().parents[3]
# docs/deploy.md, "Internal calls": the two /internal/ routes that stay on the API, each with its own auth.
DOCUMENTED = {"GET /internal/health", "GET /internal/metrics"}
# The generated files, read once for this module (yaml is slow).
stacks = functools.cache(drift.stacks)
deployed_serverless = functools.cache(drift.deployed_serverless)
deployed_terraform = functools.cache(drift.deployed_terraform)
FUNCTION_ARN = re.compile(r":function:stratus-\$\{sls:stage\}-(?P<name>[\w-]+)$")


def expected_invokes(fn: Function, reg: Registry) -> set[str]:
    """What `calls=` names: every service-to-service route function of each service it calls."""
    return {
        callee.qualified_name
        for service in fn.calls
        for callee in reg.by_service[service].functions
        if isinstance(callee.trigger, Route) and callee.trigger.auth in (Auth.SERVICE, Auth.SYSTEM)
    }


def internal(keys: set[str]) -> set[str]:
    return {k for k in keys if k.split(" ", 1)[1].startswith("/internal/")}


def _route_key(event: dict[str, Any]) -> str:
    method = event["httpApi"]["method"]
    return f"{'ANY' if method == '*' else method.upper()} {event['httpApi']['path']}"


def osls_routes() -> set[str]:
    return {_route_key(e) for fn in deployed_serverless().values() for e in fn["events"] if "httpApi" in e}


@functools.cache
def monolith() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / serverless.MONOLITH_DIR / "serverless.yml").read_text()))


def invoked_by(role: dict[str, Any]) -> set[str]:
    """The function names a CloudFormation role may invoke (and that nothing else grants Lambda rights)."""
    names: set[str] = set()
    for st in role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]:
        lambda_actions = [a for a in st["Action"] if a.startswith("lambda:")]
        if not lambda_actions:
            continue
        assert (st["Sid"], lambda_actions) == ("Invoke", ["lambda:InvokeFunction"])
        for arn in st["Resource"]:
            found = FUNCTION_ARN.search(arn["Fn::Join"][1][-1])
            assert found, arn
            names.add(found.group("name"))
    return names


def test_no_internal_route_is_on_the_http_api_but_the_documented_ones() -> None:
    osls = osls_routes()
    mono = {_route_key(e) for e in monolith()["functions"][serverless.MONOLITH]["events"]}
    tf = {fn["route_key"] for fn in deployed_terraform().values() if fn["route_key"]}
    assert internal(osls) == DOCUMENTED
    assert internal(mono) == DOCUMENTED
    assert internal(tf) == DOCUMENTED
    # AND every public route is still there (nothing else was taken off)
    public = {fn.route.key for fn in registry().http_functions if not fn.route.path.startswith("/internal/")}
    deployed = set(deployed_serverless())
    public_deployed = {
        fn.route.key
        for fn in registry().http_functions
        if fn.qualified_name in deployed and not fn.route.path.startswith("/internal/")
    }
    assert public_deployed <= osls - DOCUMENTED
    assert public_deployed <= tf - DOCUMENTED
    assert public_deployed <= mono - DOCUMENTED
    assert public
    # AND the exceptions are the documented ones
    documented = (ROOT / "docs/deploy.md").read_text()
    assert all(f"`{key}`" in documented for key in DOCUMENTED)


def test_each_osls_role_invokes_exactly_the_functions_its_calls_name() -> None:
    reg = registry()
    all_stacks = stacks()
    checked = 0
    for name, fn in deployed_serverless().items():
        role = all_stacks[fn["stack"]]["resources"]["Resources"][fn["role"]]
        assert fn["role"] == f"{logical(name)}Role"
        assert invoked_by(role) == expected_invokes(reg.function(name), reg), name
        checked += bool(reg.function(name).calls)
    assert checked > 10


def test_each_terraform_function_invokes_exactly_the_functions_its_calls_name() -> None:
    reg = registry()
    for name, fn in deployed_terraform().items():
        invoked: set[str] = set()
        for st in fn["policy_statements"]:
            if any(a.startswith("lambda:") for a in st["actions"]):
                assert (st["sid"], st["actions"]) == ("Invoke", ["lambda:InvokeFunction"])
                assert all(r.startswith("function:") for r in st["resources"])
                invoked |= {r.removeprefix("function:") for r in st["resources"]}
        assert invoked == expected_invokes(reg.function(name), reg), name
    # modules/service turns `function:<name>` into the ARN of `<prefix>-<name>`, the deployed name
    module = (ROOT / "infra/terraform/modules/service/main.tf").read_text()
    assert ':function:${var.prefix}-"' in module
    assert 'name               = "${var.prefix}-${each.key}"' in module


def test_in_the_monolith_jobs_and_subscribers_invoke_the_http_function_and_it_calls_in_process() -> None:
    doc = monolith()
    resources = doc["resources"]["Resources"]
    reg = registry()
    assert invoked_by(resources["HttpMonolithRole"]) == set()
    assert doc["functions"][serverless.MONOLITH]["environment"]["STRATUS_INTERNAL_TRANSPORT"] == "inprocess"
    target = doc["provider"]["environment"]["STRATUS_INTERNAL_FUNCTION"]
    assert target == doc["functions"][serverless.MONOLITH]["name"]
    for name, fn in doc["functions"].items():
        if name == serverless.MONOLITH:
            continue
        expected = {serverless.MONOLITH} if expected_invokes(reg.function(name), reg) else set()
        assert invoked_by(resources[fn["role"]]) == expected, name


def test_every_function_finds_its_callees_under_their_deployed_names(monkeypatch: pytest.MonkeyPatch) -> None:
    deployed = deployed_serverless()
    for name, stack in stacks().items():
        # GIVEN the environment a function of this stack gets (osls; the stage resolved)
        env = {
            k: v.replace("${sls:stage}", "prod")
            for k, v in stack["provider"]["environment"].items()
            if isinstance(v, str)
        }
        assert "STRATUS_GATEWAY_URL" not in env, name  # nothing is reached through the API any more
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        read = Settings.from_env()
        # THEN its calls go by Lambda Invoke, to the name each callee is deployed under
        assert read.internal_transport == "lambda", name
        for fn_name, fn in deployed.items():
            assert fn["name"].replace("${sls:stage}", "prod") == read.function_name(fn_name)
    # AND Terraform sets the same settings for every function
    main = (ROOT / terraform.ENV / "main.tf").read_text()
    assert re.search(r'STRATUS_INTERNAL_TRANSPORT\s*=\s*"lambda"', main)
    assert re.search(r"STRATUS_FUNCTION_PREFIX\s*=\s*local\.prefix", main)
    assert "STRATUS_GATEWAY_URL" not in main


def test_only_scrape_targets_hold_the_scrape_token() -> None:
    reg = registry()
    scraped = {
        name
        for name in deployed_serverless()
        if isinstance(reg.function(name).trigger, Route) and reg.function(name).route.auth is Auth.METRICS
    }
    assert scraped == {"monitoring-prometheus"}
    holders = {
        name
        for name, fn in deployed_serverless().items()
        if "STRATUS_METRICS_TOKEN" in fn.get("environment", {})
    }
    assert holders == scraped
    assert {name for name, fn in deployed_terraform().items() if fn["scraped"]} == scraped
    assert "STRATUS_METRICS_TOKEN" in monolith()["functions"][serverless.MONOLITH]["environment"]
    assert json.dumps(monolith()["provider"]["environment"]).count("STRATUS_METRICS_TOKEN") == 0
