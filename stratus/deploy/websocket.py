"""The WebSocket API of real-time push in the Serverless Framework (osls) deployment.

Functions declared with a `WebSocket(route)` trigger get osls' `websocket` event (osls then creates one
API Gateway WebSocket API for their stack, `WebsocketsApi`, with its `$connect`/`$disconnect`/`$default`
routes and stage); the stack's provider names the API and its route selection (every message goes to
`$default`: the function reads its `type`); functions declared `pushes=True` get
`execute-api:ManageConnections` on that API's `@connections`; every function of the stack gets
`STRATUS_WS_ENDPOINT` (the management endpoint PostToConnection goes to), and the stack outputs the
`wss://` URL clients connect to. Terraform's side is `infra/terraform/modules/websocket`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared.declarations import Function, Route, WebSocket
from stratus.deploy.cloudformation import join, logical

API = "WebsocketsApi"  # the logical id osls gives the stack's WebSocket API
ROUTE_SELECTION = "$request.body.type"
MONOLITH_ROLE = "HttpMonolithRole"  # stratus/deploy/serverless.py's one HTTP function's role


def events(trigger: WebSocket) -> list[dict[str, Any]]:
    return [{"websocket": {"route": trigger.route}}]


def management_endpoint() -> dict[str, Any]:
    return join(
        "https://", {"Ref": API}, ".execute-api.", {"Ref": "AWS::Region"}, ".amazonaws.com/${sls:stage}"
    )


def _manage_connections() -> dict[str, Any]:
    return {
        "Sid": "ManageConnections",
        "Effect": "Allow",
        "Action": ["execute-api:ManageConnections"],
        "Resource": [
            join(
                "arn:",
                {"Ref": "AWS::Partition"},
                ":execute-api:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                ":",
                {"Ref": API},
                "/${sls:stage}/*/@connections/*",
            )
        ],
    }


def _role_of(fn: Function, resources: dict[str, Any]) -> list[str]:
    """The function's own role, or (the monolith) the role of the one function serving every route."""
    own = f"{logical(fn.qualified_name)}Role"
    if own in resources:
        return [own]
    return [MONOLITH_ROLE] if isinstance(fn.trigger, Route) and MONOLITH_ROLE in resources else []


def extend(document: dict[str, Any], functions: Iterable[Function]) -> dict[str, Any]:
    """Add the WebSocket API's wiring to a generated serverless.yml whose functions include WebSocket
    ones (a service stack, or the monolith); any other document is returned as it is."""
    functions = list(functions)
    if not any(isinstance(fn.trigger, WebSocket) for fn in functions):
        return document
    provider = document["provider"]
    provider["websocketsApiName"] = "${self:service}-${sls:stage}-websocket"
    provider["websocketsApiRouteSelectionExpression"] = ROUTE_SELECTION
    provider["environment"] = {
        **provider.get("environment", {}),
        "STRATUS_WS_ENDPOINT": management_endpoint(),
    }
    resources = document.setdefault("resources", {}).setdefault("Resources", {})
    roles = {name for fn in functions if fn.pushes for name in _role_of(fn, resources)}
    for name in sorted(roles):
        statements = resources[name]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        statements.append(_manage_connections())
    outputs = document["resources"].setdefault("Outputs", {})
    outputs["WebSocketUrl"] = {
        "Description": "Where clients connect (API.md, Real-time push)",
        "Value": join(
            "wss://", {"Ref": API}, ".execute-api.", {"Ref": "AWS::Region"}, ".amazonaws.com/${sls:stage}"
        ),
    }
    return document
