"""infra/terraform/envs/dev/functions.tf.json: every declared function wired through the modules."""

from __future__ import annotations

import json
import re
from typing import Any

from shared.declarations import Auth, Authorizer, Function, Route, Schedule, Subscription
from shared.registry import Registry
from stratus.deploy.cloudformation import GenerationError
from stratus.deploy.permissions import Resource, statements_for

ENV = "infra/terraform/envs/dev"
MODULES = "../../modules"


def ident(name: str) -> str:
    """A Terraform identifier: `monitoring-health` → `monitoring_health`."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _arn(resource: Resource) -> str:
    match resource.kind:
        case "table":
            return f"${{module.table_{ident(resource.name)}.arn}}"
        case "table_indexes":
            return f"${{module.table_{ident(resource.name)}.arn}}/index/*"
        case "bus":
            return "${aws_cloudwatch_event_bus.bus.arn}"
        case "queue":
            return f"${{module.subscriber_{ident(resource.name)}.queue_arn}}"
        case "bucket":
            return "${aws_s3_bucket.files.arn}"
        case "bucket_objects":
            return "${aws_s3_bucket.files.arn}/*"
        case "any":
            return "*"
    raise GenerationError(f"no ARN for {resource}")


def _function(fn: Function, registry: Registry) -> dict[str, Any]:
    statements = [st for st in statements_for(fn, registry) if st.sid != "Logs"]  # the module adds its own
    return {
        "source": f"{MODULES}/function",
        "name": f"${{local.prefix}}-{fn.qualified_name}",
        "handler": fn.handler,
        "description": fn.description or fn.qualified_name,
        "timeout": fn.timeout,
        "memory": fn.memory,
        "code_zip": "${var.code_zip}",
        "layers": "${local.layers}",
        "environment": (
            "${merge(local.environment, { STRATUS_JWT_PRIVATE_KEY = var.jwt_private_key })}"
            if fn.signs_tokens
            else "${local.environment}"
        ),
        "log_retention_days": "${var.log_retention_days}",
        "alarm_topic_arns": ["${aws_sns_topic.alarms.arn}"],
        "policy_statements": [
            {"sid": st.sid, "actions": list(st.actions), "resources": [_arn(r) for r in st.resources]}
            for st in statements
        ],
    }


def document(registry: Registry) -> dict[str, Any]:
    modules: dict[str, Any] = {}
    for table in registry.tables():
        modules[f"table_{ident(table.name)}"] = {
            "source": f"{MODULES}/table",
            "name": f"${{local.prefix}}-{table.name}",
            "indexes": table.indexes,
            "ttl_attribute": table.ttl_attribute,
        }
    for fn in registry.functions.values():
        name = ident(fn.qualified_name)
        modules[f"fn_{name}"] = _function(fn, registry)
        trigger = fn.trigger
        if isinstance(trigger, Route):
            if trigger.auth is Auth.USER and registry.authorizer is None:
                raise GenerationError(f"{fn.qualified_name}: protected routes need a declared authorizer")
            route_module: dict[str, Any] = {
                "source": f"{MODULES}/route",
                "api_id": "${aws_apigatewayv2_api.http.id}",
                "api_execution_arn": "${aws_apigatewayv2_api.http.execution_arn}",
                "route_key": trigger.key,
                "function_name": f"${{module.fn_{name}.name}}",
                "function_invoke_arn": f"${{module.fn_{name}.invoke_arn}}",
            }
            if trigger.auth is Auth.USER:
                route_module["authorizer_id"] = "${aws_apigatewayv2_authorizer.stratus.id}"
            modules[f"route_{name}"] = route_module
        elif isinstance(trigger, Subscription):
            modules[f"subscriber_{ident(fn.service)}"] = {
                "source": f"{MODULES}/subscriber",
                "name": f"${{local.prefix}}-{fn.service}",
                "bus_name": "${aws_cloudwatch_event_bus.bus.name}",
                "event_pattern": json.dumps(trigger.event_pattern(), separators=(",", ":")),
                "function_arn": f"${{module.fn_{name}.arn}}",
                "batch_size": trigger.batch_size,
                "max_receive_count": trigger.max_receive_count,
                "visibility_timeout": trigger.visibility_timeout,
                "alarm_topic_arns": ["${aws_sns_topic.alarms.arn}"],
            }
        elif isinstance(trigger, Schedule):
            modules[f"schedule_{name}"] = {
                "source": f"{MODULES}/schedule",
                "name": f"${{local.prefix}}-{fn.qualified_name}",
                "schedule_expression": trigger.expression,
                "function_name": f"${{module.fn_{name}.name}}",
                "function_arn": f"${{module.fn_{name}.arn}}",
            }
    document: dict[str, Any] = {
        "//": "Generated from the declarations by `stratus generate`. Do not edit: edit the manifests.",
        "locals": {"table_names": ",".join(t.name for t in registry.tables())},
        "module": modules,
    }
    if registry.authorizer is not None:
        document["resource"] = _authorizer(registry.authorizer)
    return document


def _authorizer(fn: Function) -> dict[str, Any]:
    assert isinstance(fn.trigger, Authorizer)
    name = ident(fn.qualified_name)
    return {
        "aws_apigatewayv2_authorizer": {
            "stratus": {
                "api_id": "${aws_apigatewayv2_api.http.id}",
                "name": "stratus",
                "authorizer_type": "REQUEST",
                "authorizer_uri": f"${{module.fn_{name}.invoke_arn}}",
                "authorizer_payload_format_version": "2.0",
                "enable_simple_responses": True,
                "authorizer_result_ttl_in_seconds": fn.trigger.result_ttl_seconds,
            }
        },
        "aws_lambda_permission": {
            "authorizer": {
                "statement_id": "http-authorizer",
                "action": "lambda:InvokeFunction",
                "function_name": f"${{module.fn_{name}.name}}",
                "principal": "apigateway.amazonaws.com",
                "source_arn": (
                    "${aws_apigatewayv2_api.http.execution_arn}/authorizers/${aws_apigatewayv2_authorizer.stratus.id}"
                ),
            }
        },
    }


def files(registry: Registry) -> dict[str, str]:
    return {f"{ENV}/functions.tf.json": json.dumps(document(registry), indent=2) + "\n"}
