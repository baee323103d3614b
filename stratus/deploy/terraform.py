"""infra/terraform/envs/dev/services.tf.json: the declarations as Terraform data.

envs/dev/services.tf instantiates `modules/service` once for the shared part and once per service
(`for_each` over `local.services`), so this file carries no wiring, only what was declared: tables,
functions with their routes, schedules and least-privilege statements, the subscription, the authorizer.
"""

from __future__ import annotations

import json
import re
from typing import Any

from shared.declarations import Auth, Authorizer, Function, Route, Schedule, Subscription, Table, WebSocket
from shared.registry import Registry
from stratus.deploy.cloudformation import GenerationError
from stratus.deploy.internal_calls import on_http_api, scraped
from stratus.deploy.permissions import Resource, statements_for
from stratus.deploy.stacks import SHARED, Layout, Stack, layout

ENV = "infra/terraform/envs/dev"
DATA = f"{ENV}/services.tf.json"


def ident(name: str) -> str:
    """A Terraform identifier: `monitoring-health` → `monitoring_health`."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _token(resource: Resource) -> str:
    """modules/service resolves these to ARNs."""
    match resource.kind:
        case "table" | "table_indexes":
            return f"{resource.kind}:{resource.name}"
        case "function":  # modules/service: arn:…:function:<prefix>-<name>
            return f"function:{resource.name}"
        case "bus" | "queue" | "every_queue" | "bucket" | "bucket_objects" | "kms_key" | "any":
            return resource.kind
        case _:
            raise GenerationError(f"no ARN for {resource}")


def _function(fn: Function, registry: Registry) -> dict[str, Any]:
    statements = [st for st in statements_for(fn, registry) if st.sid != "Logs"]  # the module adds its own
    trigger = fn.trigger
    if isinstance(trigger, Route) and trigger.auth is Auth.USER and registry.authorizer is None:
        raise GenerationError(f"{fn.qualified_name}: protected routes need a declared authorizer")
    return {
        "handler": fn.handler,
        "description": fn.description or fn.qualified_name,
        "timeout": fn.timeout,
        "memory": fn.memory,
        "signs_tokens": fn.signs_tokens,
        # A service-to-service route has no route on the API: its callers invoke it.
        "route_key": trigger.key if on_http_api(fn) and isinstance(trigger, Route) else None,
        "protected": isinstance(trigger, Route) and trigger.auth is Auth.USER,
        "scraped": scraped(fn),
        "schedule": trigger.expression if isinstance(trigger, Schedule) else None,
        # The WebSocket API's route (modules/websocket wires it; null: not a WebSocket function), and
        # whether it posts to connections (execute-api:ManageConnections, granted by that module too).
        "websocket_route": trigger.route if isinstance(trigger, WebSocket) else None,
        "pushes": fn.pushes,
        "policy_statements": [
            {"sid": st.sid, "actions": list(st.actions), "resources": [_token(r) for r in st.resources]}
            for st in statements
        ],
    }


def _tables(tables: tuple[Table, ...]) -> dict[str, Any]:
    return {t.name: {"indexes": t.indexes, "ttl_attribute": t.ttl_attribute} for t in tables}


def _service(stack: Stack, registry: Registry) -> dict[str, Any]:
    subscriber = stack.subscriber
    subscription: dict[str, Any] | None = None
    if subscriber is not None:
        trigger = subscriber.trigger
        assert isinstance(trigger, Subscription)
        subscription = {
            "function": subscriber.qualified_name,
            "event_pattern": json.dumps(trigger.event_pattern(), separators=(",", ":")),
            "batch_size": trigger.batch_size,
            "max_receive_count": trigger.max_receive_count,
            "visibility_timeout": trigger.visibility_timeout,
        }
    return {
        "tables": _tables(stack.tables),
        "functions": {fn.qualified_name: _function(fn, registry) for fn in stack.functions},
        "subscriber": subscription,
    }


def _moves(plan: Layout) -> list[dict[str, str]]:
    """State moves from the layout with one root module per function, route, table, subscriber, schedule."""
    moves = []
    for stack in plan.stacks:
        to = "module.shared" if stack.name == SHARED else f'module.service["{stack.name}"]'
        for table in stack.tables:
            moves.append((f"module.table_{ident(table.name)}", f'{to}.module.table["{table.name}"]'))
        for fn in stack.functions:
            name, key = ident(fn.qualified_name), fn.qualified_name
            moves.append((f"module.fn_{name}", f'{to}.module.function["{key}"]'))
            if on_http_api(fn):
                moves.append((f"module.route_{name}", f'{to}.module.route["{key}"]'))
            elif isinstance(fn.trigger, Schedule):
                moves.append((f"module.schedule_{name}", f'{to}.module.schedule["{key}"]'))
            elif isinstance(fn.trigger, Subscription):
                moves.append((f"module.subscriber_{ident(fn.service)}", f"{to}.module.subscriber[0]"))
    return [{"from": old, "to": new} for old, new in moves]


def document(registry: Registry) -> dict[str, Any]:
    plan = layout(registry)
    authorizer = registry.authorizer
    found: dict[str, Any] | None = None
    if authorizer is not None:
        assert isinstance(authorizer.trigger, Authorizer)
        found = {
            "function": authorizer.qualified_name,
            "result_ttl_seconds": authorizer.trigger.result_ttl_seconds,
        }
    shared = _service(plan.shared, registry)
    return {
        "//": "Generated from the declarations by `stratus generate`. Do not edit: edit the manifests.",
        "locals": {
            "table_names": ",".join(t.name for t in registry.tables()),
            "all_tables": [t.name for t in registry.tables()],
            "authorizer": found,
            "shared": {"tables": shared["tables"], "functions": shared["functions"]},
            "services": {stack.name: _service(stack, registry) for stack in plan.services},
        },
        "moved": _moves(plan),
    }


def files(registry: Registry) -> dict[str, str]:
    return {DATA: json.dumps(document(registry), indent=2) + "\n"}
