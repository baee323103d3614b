"""The WebSocket API in both deployments, as generated from the `WebSocket(route)` declarations
(stratus/deploy/websocket.py, infra/terraform/modules/websocket): routes, who may push, the endpoint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from functions.catalog import registry
from shared.declarations import WebSocket
from stratus.deploy import terraform

ROOT = Path(__file__).resolve().parents[3]


def realtime_stack() -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load((ROOT / "deploy/serverless/realtime/serverless.yml").read_text())
    return found


def statement_ids(stack: dict[str, Any], function: str) -> set[str]:
    role = stack["resources"]["Resources"][stack["functions"][function]["role"]]
    return {st["Sid"] for st in role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]}


def test_the_realtime_stack_serves_the_three_websocket_routes() -> None:
    stack = realtime_stack()
    routes = {
        name: event["websocket"]["route"]
        for name, fn in stack["functions"].items()
        for event in fn["events"]
        if "websocket" in event
    }
    assert routes == {
        "realtime-connect": "$connect",
        "realtime-default": "$default",
        "realtime-disconnect": "$disconnect",
    }
    assert stack["provider"]["websocketsApiRouteSelectionExpression"] == "$request.body.type"
    assert "WebSocketUrl" in stack["resources"]["Outputs"]
    assert "WebsocketsApi" in json.dumps(stack["provider"]["environment"]["STRATUS_WS_ENDPOINT"])


def test_only_the_pushing_functions_may_manage_connections() -> None:
    stack = realtime_stack()
    pushers = {fn.qualified_name for fn in registry().functions.values() if fn.pushes}
    assert pushers == {"realtime-default", "realtime-publish", "realtime-subscriber", "realtime-sweep"}
    for name in stack["functions"]:
        assert ("ManageConnections" in statement_ids(stack, name)) == (name in pushers), name


def test_terraform_knows_each_websocket_route_and_pusher() -> None:
    local = json.loads((ROOT / terraform.DATA).read_text())["locals"]
    functions = {name: fn for spec in local["services"].values() for name, fn in spec["functions"].items()}
    declared = {
        fn.qualified_name: fn.trigger.route
        for fn in registry().functions.values()
        if isinstance(fn.trigger, WebSocket)
    }
    assert {
        name: fn["websocket_route"] for name, fn in functions.items() if fn["websocket_route"]
    } == declared
    assert {name for name, fn in functions.items() if fn["pushes"]} == {
        fn.qualified_name for fn in registry().functions.values() if fn.pushes
    }
    module = (ROOT / "infra/terraform/modules/websocket/main.tf").read_text()
    assert 'protocol_type              = "WEBSOCKET"' in module
    assert "execute-api:ManageConnections" in module


def test_in_the_monolith_the_http_function_may_push_for_the_publish_route() -> None:
    monolith = yaml.safe_load((ROOT / "deploy/monolith/serverless.yml").read_text())
    resources = monolith["resources"]["Resources"]

    def sids(role: str) -> set[str]:
        return {
            st["Sid"] for st in resources[role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        }

    assert "ManageConnections" in sids("HttpMonolithRole")
    assert "ManageConnections" in sids("RealtimeSubscriberRole")
    assert "ManageConnections" not in sids("RealtimeConnectRole")
    routes = {
        e["websocket"]["route"]
        for fn in monolith["functions"].values()
        for e in fn["events"]
        if "websocket" in e
    }
    assert routes == {"$connect", "$default", "$disconnect"}
