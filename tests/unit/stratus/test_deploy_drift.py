"""The osls stacks and Terraform say exactly what the declarations say: nothing missing, nothing extra,
the same routes, queues and schedules; one stack per service plus the shared one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from functions.catalog import registry
from shared.declarations import (
    Auth,
    Authorizer,
    Function,
    Layer,
    Route,
    Schedule,
    Service,
    StateTask,
    Subscription,
    WebSocket,
)
from shared.registry import Registry
from stratus.deploy import generate, serverless, terraform
from stratus.deploy.cloudformation import GenerationError, osls_function_id
from stratus.deploy.stacks import SHARED, LayoutError, layout

ROOT = Path(__file__).resolve().parents[3]


def stacks(root: Path = ROOT) -> dict[str, dict[str, Any]]:
    """Every stack the compose file names: name → its serverless.yml."""
    compose = yaml.safe_load((root / serverless.COMPOSE).read_text())
    return {
        name: yaml.safe_load((root / spec["path"] / "serverless.yml").read_text())
        for name, spec in compose["services"].items()
    }


def deployed_serverless(root: Path = ROOT) -> dict[str, Any]:
    """Every function of every stack (a function in two stacks would be deployed twice: counted)."""
    out: dict[str, Any] = {}
    for name, stack in stacks(root).items():
        for fn_name, fn in (stack.get("functions") or {}).items():
            assert fn_name not in out, f"{fn_name} is in two stacks"
            out[fn_name] = fn | {"stack": name}
    return out


def deployed_terraform(root: Path = ROOT) -> dict[str, Any]:
    """Every function in services.tf.json, with its service (or `shared`)."""
    local = json.loads((root / terraform.DATA).read_text())["locals"]
    out = {name: fn | {"service": SHARED} for name, fn in local["shared"]["functions"].items()}
    for service, spec in local["services"].items():
        out |= {name: fn | {"service": service} for name, fn in spec["functions"].items()}
    return out


def triggers(reg: Registry) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for fn in reg.functions.values():
        t = fn.trigger
        if isinstance(t, Route) and t.auth in (Auth.SERVICE, Auth.SYSTEM):
            out[fn.qualified_name] = ("invoke",)  # service-to-service: Lambda Invoke, no HTTP route
        elif isinstance(t, Route):
            out[fn.qualified_name] = ("http", t.method, t.path, str(t.auth == "user"))
        elif isinstance(t, Authorizer):
            out[fn.qualified_name] = ("authorizer",)
        elif isinstance(t, Subscription):
            out[fn.qualified_name] = ("sqs", fn.service, str(t.batch_size), json.dumps(t.event_pattern()))
        elif isinstance(t, WebSocket):
            out[fn.qualified_name] = ("websocket", t.route)
        elif isinstance(t, StateTask):  # a Task of its service's state machine, which invokes it
            out[fn.qualified_name] = ("invoke",)
        else:
            assert isinstance(t, Schedule)
            out[fn.qualified_name] = ("schedule", t.expression)
    return out


def serverless_triggers(root: Path = ROOT) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    all_stacks = stacks(root)
    shared = all_stacks[SHARED]
    for name, fn in deployed_serverless(root).items():
        if not fn["events"]:
            authorizer = shared["resources"]["Resources"]["HttpApiAuthorizerStratus"]["Properties"]
            if osls_function_id(name) in json.dumps(authorizer):  # the shared stack's API authorizer
                assert fn["stack"] == SHARED
                out[name] = ("authorizer",)
            else:  # only its callers invoke it
                out[name] = ("invoke",)
            continue
        [event] = fn["events"]
        if "httpApi" in event:
            http = event["httpApi"]
            protected = http.get("authorizer") == {
                "type": "request",
                "id": {"Fn::ImportValue": "stratus-${sls:stage}-AuthorizerId"},
            }
            method = "ANY" if http["method"] == "*" else http["method"]  # osls spells ANY as `*`
            out[name] = ("http", method, http["path"], str(protected))
        elif "sqs" in event:
            queue = event["sqs"]["arn"]["Fn::GetAtt"][0]
            resources = all_stacks[fn["stack"]]["resources"]["Resources"]
            rule = resources[queue.removesuffix("Queue") + "Rule"]["Properties"]
            assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": [queue, "Arn"]}
            assert rule["EventBusName"] == {"Fn::ImportValue": "stratus-${sls:stage}-EventBusName"}
            pattern = json.dumps(rule["EventPattern"])
            out[name] = ("sqs", fn["stack"], str(event["sqs"]["batchSize"]), pattern)
        elif "websocket" in event:
            out[name] = ("websocket", event["websocket"]["route"])
        else:
            out[name] = ("schedule", event["schedule"]["rate"][0])
    return out


def terraform_triggers(root: Path = ROOT) -> dict[str, tuple[str, ...]]:
    local = json.loads((root / terraform.DATA).read_text())["locals"]
    out: dict[str, tuple[str, ...]] = {}
    for name, fn in deployed_terraform(root).items():
        if fn["route_key"]:
            method, path = fn["route_key"].split(" ", 1)
            out[name] = ("http", method, path, str(fn["protected"]))
        elif fn["schedule"]:
            out[name] = ("schedule", fn["schedule"])
        elif fn.get("websocket_route"):
            out[name] = ("websocket", fn["websocket_route"])
    for service, spec in local["services"].items():
        sub = spec["subscriber"]
        if sub:
            pattern = json.dumps(json.loads(sub["event_pattern"]))
            out[sub["function"]] = ("sqs", service, str(sub["batch_size"]), pattern)
    if local["authorizer"]:
        out[local["authorizer"]["function"]] = ("authorizer",)
    for name in deployed_terraform(root):
        out.setdefault(name, ("invoke",))  # no route, schedule or queue: only its callers invoke it
    return out


def test_serverless_has_every_declared_function_and_nothing_else() -> None:
    assert set(deployed_serverless()) == set(registry().functions)


def test_serverless_routes_queues_and_schedules_match_the_declarations() -> None:
    assert serverless_triggers() == triggers(registry())


def test_terraform_has_every_declared_function_and_nothing_else() -> None:
    assert set(deployed_terraform()) == set(registry().functions)


def test_terraform_routes_queues_and_schedules_match_the_declarations() -> None:
    assert terraform_triggers() == triggers(registry())


def test_one_stack_per_service_and_the_shared_one_first() -> None:
    compose = yaml.safe_load((ROOT / serverless.COMPOSE).read_text())["services"]
    assert set(compose) == {SHARED} | {s.name for s in registry().services}
    for name, spec in compose.items():
        if name != SHARED:
            assert spec["dependsOn"] == [SHARED]
            assert spec["params"] == serverless.SHARED_PARAMS
    # each service's functions in its own stack (the authorizer with the API, in the shared one)
    authorizer = registry().authorizer
    assert authorizer is not None
    for name, fn in deployed_serverless().items():
        assert fn["stack"] == (
            SHARED if name == authorizer.qualified_name else registry().function(name).service
        )
    terraform_services = {fn["service"] for fn in deployed_terraform().values()}
    assert terraform_services == set(compose)


def test_every_import_of_a_service_stack_is_an_export_of_the_shared_one() -> None:
    all_stacks = stacks()
    exported = {out["Export"]["Name"] for out in all_stacks[SHARED]["resources"]["Outputs"].values()}
    imported: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if "Fn::ImportValue" in node:
                imported.add(node["Fn::ImportValue"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    for name, stack in all_stacks.items():
        if name != SHARED:
            collect(stack)
    assert imported
    assert imported <= exported, imported - exported


def test_the_committed_files_are_what_the_declarations_generate() -> None:
    assert generate.stale(registry()) == [], "run `stratus generate` and commit the result"


def test_a_new_declaration_without_regenerated_files_is_caught() -> None:
    # GIVEN a function declared but not yet generated into the deployments
    extra = Service(
        "scratch", Layer.BUSINESS, functions=(Function("ping", Route("GET", "/internal/scratch/ping")),)
    )
    declared = Registry((*registry().services, extra))
    # THEN its stack is missing, the compose file and Terraform's data are stale, and the triggers differ
    stale = generate.stale(declared)
    assert serverless.stack_file("scratch") in stale
    assert serverless.COMPOSE in stale
    assert terraform.DATA in stale
    assert serverless_triggers() != triggers(declared)
    assert terraform_triggers() != triggers(declared)


def test_a_removed_service_leaves_no_stack_behind(tmp_path: Path) -> None:
    # GIVEN the files generated for the catalog plus a service
    extra = Service("scratch", Layer.BUSINESS, functions=(Function("ping", Route("GET", "/internal/s/p")),))
    generate.write(Registry((*registry().services, extra)), root=tmp_path)
    assert (tmp_path / serverless.stack_file("scratch")).is_file()
    # WHEN the service is no longer declared
    assert serverless.stack_file("scratch") in generate.stale(registry(), root=tmp_path)
    written = generate.write(registry(), root=tmp_path)
    # THEN its stack file is removed, and everything is current
    assert any(path.startswith(serverless.stack_file("scratch")) for path in written)
    assert not (tmp_path / serverless.stack_file("scratch")).exists()
    assert generate.stale(registry(), root=tmp_path) == []


def test_no_service_may_take_the_shared_stacks_name() -> None:
    with pytest.raises(LayoutError, match="shared"):
        layout(Registry((*registry().services, Service(SHARED, Layer.BUSINESS))))


def test_protected_routes_without_an_authorizer_are_not_deployable() -> None:
    service = Service(
        "scratch", Layer.BUSINESS, functions=(Function("me", Route("GET", "/api/v1/scratch/me")),)
    )
    with pytest.raises(GenerationError, match="authorizer"):
        generate.expected(Registry((service,)))


def _statements(stack: str, role: str) -> list[dict[str, Any]]:
    resources = stacks()[stack]["resources"]["Resources"]
    return list(resources[role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"])


def test_every_function_role_grants_only_what_its_declaration_names() -> None:
    openapi = _statements("gateway", "GatewayOpenapiRole")
    assert [s["Sid"] for s in openapi] == ["Logs", "RequestMetrics"]  # serves a file: logs and counts only
    health = _statements("monitoring", "MonitoringHealthRole")
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
    # a kernel table is the shared stack's (imported); the service's own table is its own (GetAtt)
    assert metrics[0]["Resource"] == [{"Fn::ImportValue": "stratus-${sls:stage}-RequestmetricsTableArn"}]
    described = next(s for s in health if s["Sid"] == "DescribeTables")["Resource"]
    assert {"Fn::GetAtt": ["MonitoringTable", "Arn"]} in described
    assert len(described) == len(list(registry().tables()))


def test_queues_and_schedules_are_generated_as_declared(tmp_path: Path) -> None:
    # GIVEN services with a subscriber and a schedule (the test services, minus a protected route)
    from tests.fixtures.echo.manifest import SERVICE as echo

    public = Service(echo.name, echo.layer, functions=tuple(f for f in echo.functions if f.name != "me"))
    declared = Registry((*registry().services, public))
    # WHEN the deployment files are generated
    generate.write(declared, root=tmp_path)
    # THEN both deployments carry the same routes, queue subscriptions and schedules as the declarations
    assert serverless_triggers(tmp_path) == triggers(declared)
    assert terraform_triggers(tmp_path) == triggers(declared)
    sub = deployed_serverless(tmp_path)["echo-subscriber"]["events"][0]["sqs"]
    assert sub["functionResponseType"] == "ReportBatchItemFailures"


def test_the_monolith_serves_every_route_from_one_function() -> None:
    monolith = yaml.safe_load((ROOT / serverless.MONOLITH_DIR / "serverless.yml").read_text())
    functions = monolith["functions"]
    routes = functions.pop(serverless.MONOLITH)["events"]
    keys = {(_method(e["httpApi"]["method"]), e["httpApi"]["path"]) for e in routes}
    on_api = [fn for fn in registry().http_functions if fn.route.auth not in (Auth.SERVICE, Auth.SYSTEM)]
    assert keys == {(fn.route.method, fn.route.path) for fn in on_api}
    others = {fn.qualified_name for fn in registry().functions.values() if not isinstance(fn.trigger, Route)}
    assert set(functions) == others


def _method(osls_method: str) -> str:
    return "ANY" if osls_method == "*" else osls_method.upper()
