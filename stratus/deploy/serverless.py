"""serverless.yml and its parts, generated from the declarations.

`serverless.yml` holds the provider, packaging and the deps layer; `deploy/serverless/` holds the
functions and IAM roles for each mode (`split`: one Lambda per declaration; `monolith`: every route on one
Lambda through serverless-wsgi) and the shared resources. The mode is a parameter:
`npx osls package --param="mode=monolith"`.
"""

from __future__ import annotations

from typing import Any

import yaml

from shared.adapters import cors
from shared.declarations import Auth, Authorizer, Function, Route, Schedule, Subscription
from shared.registry import Registry
from stratus.deploy.cloudformation import PREFIX, GenerationError, get_att, logical, resources, role
from stratus.deploy.permissions import Resource, Statement, merged, statements_for

SERVICE = "stratus"
PARTS = "deploy/serverless"
MONOLITH = "http-monolith"
RUNTIME = "python3.12"


AUTHORIZER = "stratusAuthorizer"


def _http_event(route: Route) -> dict[str, Any]:
    event: dict[str, Any] = {"method": route.method, "path": route.path}
    if route.auth is Auth.USER:
        event["authorizer"] = {"name": AUTHORIZER}
    return {"httpApi": event}


def _events(fn: Function) -> list[dict[str, Any]]:
    trigger = fn.trigger
    if isinstance(trigger, Route):
        return [_http_event(trigger)]
    if isinstance(trigger, Authorizer):
        return []  # API Gateway invokes it; osls grants that from provider.httpApi.authorizers
    if isinstance(trigger, Subscription):
        if trigger.visibility_timeout < fn.timeout:
            raise GenerationError(
                f"{fn.qualified_name}: the queue's visibility timeout is below the function's timeout"
            )
        sqs = {
            "arn": get_att(f"{logical(fn.service)}Queue"),
            "batchSize": trigger.batch_size,
            "functionResponseType": "ReportBatchItemFailures",
        }
        return [{"sqs": sqs}]
    assert isinstance(trigger, Schedule)
    return [{"schedule": {"rate": [trigger.expression]}}]


SIGNING_KEY = {"STRATUS_JWT_PRIVATE_KEY": "{{resolve:secretsmanager:" + PREFIX + "/jwt-private-key}}"}


def _function(
    fn: Function, *, role: str, handler: str | None = None, events: list[Any] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "handler": handler or fn.handler,
        "role": role,
        "timeout": fn.timeout,
        "memorySize": fn.memory,
        "description": fn.description or fn.qualified_name,
        "events": events if events is not None else _events(fn),
    }
    if fn.signs_tokens:  # only auth's signers hold the private key; everyone else verifies with the JWKS
        out["environment"] = dict(SIGNING_KEY)
    return out


def _check(registry: Registry) -> None:
    protected = [fn.qualified_name for fn in registry.http_functions if fn.route.auth == "user"]
    if protected and registry.authorizer is None:
        raise GenerationError(f"protected routes need a declared authorizer: {', '.join(protected)}")


def functions(registry: Registry, mode: str) -> dict[str, Any]:
    _check(registry)
    out: dict[str, Any] = {}
    others = [fn for fn in registry.functions.values() if not isinstance(fn.trigger, Route)]
    if mode == "monolith":
        routes = [_http_event(fn.route) for fn in registry.http_functions]
        monolith = Function(MONOLITH, Route("ANY", "/{proxy+}"), timeout=29, memory=512, service="http")
        out[MONOLITH] = _function(
            monolith, role="HttpMonolithRole", handler="functions.monolith.handler", events=routes
        )
    else:
        others = list(registry.functions.values())
    for fn in others:
        out[fn.qualified_name] = _function(fn, role=f"{logical(fn.qualified_name)}Role")
    return out


def roles(registry: Registry, mode: str) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    fns = list(registry.functions.values())
    if mode == "monolith":
        http = registry.http_functions
        logs = Statement(
            "Logs", ("logs:CreateLogStream", "logs:PutLogEvents"), (Resource("log_group", MONOLITH),)
        )
        resources["HttpMonolithRole"] = role([logs, *merged(http, registry)])
        fns = [fn for fn in fns if not isinstance(fn.trigger, Route)]
    for fn in fns:
        resources[f"{logical(fn.qualified_name)}Role"] = role(statements_for(fn, registry))
    return {"Resources": resources}


def _http_api(registry: Registry) -> dict[str, Any]:
    config: dict[str, Any] = {"payload": "2.0", "cors": _cors()}
    authorizer = registry.authorizer
    if authorizer is not None:
        assert isinstance(authorizer.trigger, Authorizer)
        config["authorizers"] = {
            AUTHORIZER: {
                "type": "request",
                "functionName": authorizer.qualified_name,
                "enableSimpleResponses": True,
                "payloadVersion": "2.0",
                "resultTtlInSeconds": authorizer.trigger.result_ttl_seconds,
            }
        }
    return config


def _cors() -> dict[str, Any]:
    """Browser origins allowed to call the API: the stage's `apiCorsOrigins` param (a list; none by
    default), with the headers and methods the local gateway answers (shared/adapters/cors.py)."""
    return {
        "allowedOrigins": "${param:apiCorsOrigins}",
        "allowedHeaders": list(cors.ALLOWED_HEADERS),
        "allowedMethods": ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        "exposedResponseHeaders": list(cors.EXPOSED_HEADERS),
        "maxAge": cors.MAX_AGE_SECONDS,
    }


def main_file(registry: Registry) -> dict[str, Any]:
    tables = ",".join(t.name for t in registry.tables())
    return {
        "service": SERVICE,
        "frameworkVersion": ">=3",
        "params": {
            "default": {
                "mode": "split",
                "corsOrigin": "*",
                "apiCorsOrigins": [],
                "mailFrom": "no-reply@stratus.local",
                "alertEmails": "",
            }
        },
        "provider": {
            "name": "aws",
            "runtime": RUNTIME,
            "architecture": "x86_64",
            "stage": "${opt:stage, 'dev'}",
            "region": "${opt:region, 'us-east-1'}",
            "memorySize": 256,
            "timeout": 10,
            "logRetentionInDays": 30,
            # Nothing points at a published version (no aliases, no provisioned concurrency); one
            # AWS::Lambda::Version per function would only eat into CloudFormation's 500-resource limit.
            "versionFunctions": False,
            "tracing": {"lambda": True},
            "httpApi": _http_api(registry),
            "layers": [{"Ref": "DepsLambdaLayer"}],
            "environment": {
                "STRATUS_STAGE": "${sls:stage}",
                "STRATUS_RESOURCE_PREFIX": PREFIX,
                "STRATUS_TABLES": tables,
                "STRATUS_GATEWAY_URL": get_att("HttpApi", "ApiEndpoint"),
                "STRATUS_SERVICE_TOKEN_SECRET": "{{resolve:secretsmanager:" + PREFIX + "/service-token}}",
                "STRATUS_JWT_PUBLIC_JWKS": "{{resolve:ssm:/" + PREFIX + "/jwt-public-jwks}}",
                "STRATUS_MAIL_FROM": "${param:mailFrom}",
                "STRATUS_ALERT_EMAILS": "${param:alertEmails}",
                "POWERTOOLS_METRICS_NAMESPACE": "Stratus",
                "POWERTOOLS_LOG_LEVEL": "INFO",
            },
        },
        "package": {
            "individually": False,
            "patterns": ["!**", "shared/**", "functions/**", "events/*.json", "!**/__pycache__/**"],
        },
        "layers": {
            "deps": {
                "description": "Stratus runtime dependencies (built by `stratus package`)",
                "package": {"artifact": "build/deps-layer.zip"},
                "compatibleRuntimes": [RUNTIME],
            }
        },
        "functions": "${file(" + PARTS + "/functions-${param:mode}.yml)}",
        "resources": [
            "${file(" + PARTS + "/resources.yml)}",
            "${file(" + PARTS + "/roles-${param:mode}.yml)}",
        ],
    }


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Paths with {params} and ${variables} are quoted, as osls expects.
    style = "'" if "{" in value or value.startswith(("*", "!", "&")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)

HEADER = (
    "# Generated from the function declarations by `stratus generate`. Do not edit: edit the manifests.\n"
)


def dump(document: Any) -> str:
    return HEADER + yaml.dump(document, Dumper=_Dumper, sort_keys=False, width=120, default_flow_style=False)


def files(registry: Registry) -> dict[str, str]:
    """Path (relative to the repo) → content."""
    out = {"serverless.yml": dump(main_file(registry)), f"{PARTS}/resources.yml": dump(resources(registry))}
    for mode in ("split", "monolith"):
        out[f"{PARTS}/functions-{mode}.yml"] = dump(functions(registry, mode))
        out[f"{PARTS}/roles-{mode}.yml"] = dump(roles(registry, mode))
    return out
