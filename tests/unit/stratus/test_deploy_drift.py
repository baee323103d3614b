"""serverless.yml and Terraform say exactly what the declarations say: nothing missing, nothing extra,
the same routes, queues and schedules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from functions.catalog import registry
from shared.declarations import Authorizer, Function, Layer, Route, Schedule, Service, Subscription
from shared.registry import Registry
from stratus.deploy import generate, serverless, terraform
from stratus.deploy.cloudformation import GenerationError

ROOT = Path(__file__).resolve().parents[3]


def deployed_serverless(root: Path = ROOT) -> dict[str, Any]:
    return yaml.safe_load((root / serverless.PARTS / "functions-split.yml").read_text()) or {}


def deployed_terraform(root: Path = ROOT) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((root / terraform.ENV / "functions.tf.json").read_text())
    authorizers = doc.get("resource", {}).get("aws_apigatewayv2_authorizer", {}).values()
    return doc["module"] | {"authorizers": [a["authorizer_uri"] for a in authorizers]}


def triggers(reg: Registry) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for fn in reg.functions.values():
        t = fn.trigger
        if isinstance(t, Route):
            out[fn.qualified_name] = ("http", t.method, t.path)
        elif isinstance(t, Authorizer):
            out[fn.qualified_name] = ("authorizer",)
        elif isinstance(t, Subscription):
            out[fn.qualified_name] = ("sqs", fn.service, str(t.batch_size), json.dumps(t.event_pattern()))
        else:
            assert isinstance(t, Schedule)
            out[fn.qualified_name] = ("schedule", t.expression)
    return out


def serverless_triggers(
    functions: dict[str, Any], reg: Registry, root: Path = ROOT
) -> dict[str, tuple[str, ...]]:
    resources = yaml.safe_load((root / serverless.PARTS / "resources.yml").read_text())["Resources"]
    out: dict[str, tuple[str, ...]] = {}
    for name, fn in functions.items():
        if not fn["events"]:
            out[name] = ("authorizer",)
            continue
        [event] = fn["events"]
        if "httpApi" in event:
            out[name] = ("http", event["httpApi"]["method"], event["httpApi"]["path"])
        elif "sqs" in event:
            queue = event["sqs"]["arn"]["Fn::GetAtt"][0]
            service = reg.function(name).service
            rule = resources[queue.removesuffix("Queue") + "Rule"]["Properties"]
            assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": [queue, "Arn"]}
            pattern = json.dumps(rule["EventPattern"])
            out[name] = ("sqs", service, str(event["sqs"]["batchSize"]), pattern)
        else:
            out[name] = ("schedule", event["schedule"]["rate"][0])
    return out


def terraform_triggers(modules: dict[str, Any], reg: Registry | None = None) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for key, module in modules.items():
        if key.startswith("route_"):
            name = module["function_name"].removeprefix("${module.fn_").removesuffix(".name}")
            method, path = module["route_key"].split(" ", 1)
            out[name] = ("http", method, path)
        elif key.startswith("subscriber_"):
            name = module["function_arn"].removeprefix("${module.fn_").removesuffix(".arn}")
            pattern = json.dumps(json.loads(module["event_pattern"]))
            out[name] = ("sqs", key.removeprefix("subscriber_"), str(module["batch_size"]), pattern)
        elif key.startswith("schedule_"):
            name = module["function_name"].removeprefix("${module.fn_").removesuffix(".name}")
            out[name] = ("schedule", module["schedule_expression"])
        elif key == "authorizers":
            for authorizer in module:
                out[authorizer.removeprefix("${module.fn_").removesuffix(".invoke_arn}")] = ("authorizer",)
    by_ident = {terraform.ident(name): name for name in (reg or registry()).functions}
    return {by_ident.get(n, n): t for n, t in out.items()}


def test_serverless_has_every_declared_function_and_nothing_else() -> None:
    assert set(deployed_serverless()) == set(registry().functions)


def test_serverless_routes_queues_and_schedules_match_the_declarations() -> None:
    assert serverless_triggers(deployed_serverless(), registry()) == triggers(registry())


def test_terraform_has_every_declared_function_and_nothing_else() -> None:
    functions = {k.removeprefix("fn_") for k in deployed_terraform() if k.startswith("fn_")}
    assert functions == {terraform.ident(n) for n in registry().functions}


def test_terraform_routes_queues_and_schedules_match_the_declarations() -> None:
    assert terraform_triggers(deployed_terraform()) == triggers(registry())


def test_the_committed_files_are_what_the_declarations_generate() -> None:
    assert generate.stale(registry()) == [], "run `stratus generate` and commit the result"


def test_a_new_declaration_without_regenerated_files_is_caught() -> None:
    # GIVEN a function declared but not yet generated into the deployments
    extra = Service(
        "scratch", Layer.BUSINESS, functions=(Function("ping", Route("GET", "/internal/scratch/ping")),)
    )
    declared = Registry((*registry().services, extra))
    # THEN every generated file that lists functions is stale, and the triggers differ
    stale = generate.stale(declared)
    assert f"{serverless.PARTS}/functions-split.yml" in stale
    assert f"{terraform.ENV}/functions.tf.json" in stale
    assert serverless_triggers(deployed_serverless(), declared) != triggers(declared)
    assert terraform_triggers(deployed_terraform()) != triggers(declared)


def test_protected_routes_without_an_authorizer_are_not_deployable() -> None:
    service = Service(
        "scratch", Layer.BUSINESS, functions=(Function("me", Route("GET", "/api/v1/scratch/me")),)
    )
    with pytest.raises(GenerationError, match="authorizer"):
        generate.expected(Registry((service,)))


def test_every_function_role_grants_only_what_its_declaration_names() -> None:
    roles = yaml.safe_load((ROOT / serverless.PARTS / "roles-split.yml").read_text())["Resources"]
    openapi = roles["GatewayOpenapiRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert [s["Sid"] for s in openapi] == ["Logs", "RequestMetrics"]  # serves a file: logs and counts only
    health = roles["MonitoringHealthRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    actions = sorted(a for s in health for a in s["Action"])
    assert actions == sorted(
        [
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "dynamodb:DescribeTable",
            "dynamodb:UpdateItem",  # its own request counts, on the request-metrics table only
            "events:DescribeEventBus",
            "s3:ListBucket",
        ]
    )
    assert not any("*" in a for a in actions)
    metrics = [s for s in health if s["Sid"] == "RequestMetrics"]
    assert [s["Action"] for s in metrics] == [["dynamodb:UpdateItem"]]


def test_queues_and_schedules_are_generated_as_declared(tmp_path: Path) -> None:
    # GIVEN services with a subscriber and a schedule (the test services, minus a protected route)
    from tests.fixtures.echo.manifest import SERVICE as echo

    public = Service(echo.name, echo.layer, functions=tuple(f for f in echo.functions if f.name != "me"))
    declared = Registry((*registry().services, public))
    # WHEN the deployment files are generated
    generate.write(declared, root=tmp_path)
    # THEN both deployments carry the same routes, queue subscriptions and schedules as the declarations
    assert serverless_triggers(deployed_serverless(tmp_path), declared, tmp_path) == triggers(declared)
    assert terraform_triggers(deployed_terraform(tmp_path), declared) == triggers(declared)
    sub = deployed_serverless(tmp_path)["echo-subscriber"]["events"][0]["sqs"]
    assert sub["functionResponseType"] == "ReportBatchItemFailures"
