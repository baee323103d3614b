"""The Serverless Framework (osls) deployment, generated from the declarations.

- `serverless-compose.yml` (osls compose): one stack per service plus the shared stack they depend on,
  each `deploy/serverless/<stack>/serverless.yml`. `npx osls deploy --stage dev` at the root deploys
  shared first, then every service stack in parallel; `npx osls <service>:deploy` deploys one.
- `deploy/monolith/serverless.yml`: every route on one Lambda (serverless-wsgi), subscribers and jobs as
  their own functions, everything in one stack.

The code ships as `build/code.zip` and the dependencies as `build/deps-layer.zip` (`stratus package`).
The deps layer lives in the shared stack; compose hands its version ARN and the shared deployment bucket
to the service stacks as params. Everything else a service stack needs from the shared stack (the API
and its authorizer, the bus, the bucket, the kernel tables) it imports (`Fn::ImportValue`).
"""

from __future__ import annotations

from typing import Any

import yaml

from shared.adapters import cors
from shared.declarations import (
    Auth,
    Authorizer,
    Function,
    Route,
    Schedule,
    StateTask,
    Subscription,
    WebSocket,
)
from shared.registry import Registry
from stratus.deploy import state_machines, websocket
from stratus.deploy.cloudformation import (
    API_CORS_PARAMETER,
    PREFIX,
    GenerationError,
    Refs,
    exports,
    get_att,
    http_api,
    import_value,
    logical,
    resources,
    role,
)
from stratus.deploy.internal_calls import (
    METRICS_TOKEN_SETTING,
    PREFIX_SETTING,
    TARGET_SETTING,
    TRANSPORT_SETTING,
    on_http_api,
    scraped,
)
from stratus.deploy.permissions import Resource, Statement, merged, statements_for
from stratus.deploy.stacks import SHARED, Layout, Stack, layout, monolith

SERVICE = "stratus"
COMPOSE = "serverless-compose.yml"
STACKS = "deploy/serverless"  # deploy/serverless/<stack>/serverless.yml
MONOLITH_DIR = "deploy/monolith"
MONOLITH = "http-monolith"
RUNTIME = "python3.12"
AUTHORIZER = "stratusAuthorizer"  # the monolith's osls-managed authorizer

# Defaults, overridable per deploy through the environment (osls compose forwards no --param).
MAIL_PARAMS = {
    "mailFrom": "${env:STRATUS_MAIL_FROM, 'no-reply@stratus.local'}",
    "alertEmails": "${env:STRATUS_ALERT_EMAILS, ''}",
}
# What compose hands every service stack from the shared one (a layer version changes with every new
# deps layer, so it is a param, not an export: an export in use cannot change).
SHARED_PARAMS = {
    "depsLayerArn": "${shared.DepsLambdaLayerQualifiedArn}",
    "deploymentBucket": "${shared.ServerlessDeploymentBucketName}",
}


def stack_file(name: str) -> str:
    return f"{STACKS}/{name}/serverless.yml"


def _check(registry: Registry) -> None:
    protected = [fn.qualified_name for fn in registry.http_functions if fn.route.auth == "user"]
    if protected and registry.authorizer is None:
        raise GenerationError(f"protected routes need a declared authorizer: {', '.join(protected)}")


def _http_event(route: Route, authorizer: Any) -> dict[str, Any]:
    # osls spells API Gateway's `ANY` (every method) as `*`.
    method = "*" if route.method == "ANY" else route.method
    event: dict[str, Any] = {"method": method, "path": route.path}
    if route.auth is Auth.USER:
        event["authorizer"] = authorizer
    return {"httpApi": event}


def _events(fn: Function, authorizer: Any) -> list[dict[str, Any]]:
    trigger = fn.trigger
    if isinstance(trigger, Route):
        # A service-to-service route has no event: its callers invoke it (stratus.deploy.internal_calls).
        return [_http_event(trigger, authorizer)] if on_http_api(fn) else []
    if isinstance(trigger, Authorizer):
        return []  # API Gateway invokes it (the shared stack's authorizer and its permission)
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
    if isinstance(trigger, WebSocket):
        return websocket.events(trigger)  # the stack's WebSocket API (stratus/deploy/websocket.py)
    if isinstance(trigger, StateTask):
        return []  # its state machine invokes it (stratus/deploy/state_machines.py)
    assert isinstance(trigger, Schedule)
    return [{"schedule": {"rate": [trigger.expression]}}]


SIGNING_KEY = {"STRATUS_JWT_PRIVATE_KEY": "{{resolve:secretsmanager:" + PREFIX + "/jwt-private-key}}"}
# Only scrape targets hold the stage's Prometheus scrape token.
SCRAPE_TOKEN = {METRICS_TOKEN_SETTING: "{{resolve:secretsmanager:" + PREFIX + "/metrics-token}}"}


def _function(fn: Function, *, events: list[Any], handler: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": f"{PREFIX}-{fn.qualified_name}",
        "handler": handler or fn.handler,
        "role": f"{logical(fn.qualified_name)}Role",
        "timeout": fn.timeout,
        "memorySize": fn.memory,
        "description": fn.description or fn.qualified_name,
        "events": events,
    }
    if fn.signs_tokens:  # only auth's signers hold the private key; everyone else verifies with the JWKS
        out["environment"] = dict(SIGNING_KEY)
    if scraped(fn):
        out["environment"] = out.get("environment", {}) | SCRAPE_TOKEN
    return out


def _environment(registry: Registry) -> dict[str, Any]:
    return {
        "STRATUS_STAGE": "${sls:stage}",
        "STRATUS_RESOURCE_PREFIX": PREFIX,
        "STRATUS_TABLES": ",".join(t.name for t in registry.tables()),
        # Internal calls: Lambda Invoke of `<prefix>-<service>-<function>` (stratus.deploy.internal_calls).
        TRANSPORT_SETTING: "lambda",
        PREFIX_SETTING: PREFIX,
        "STRATUS_SERVICE_TOKEN_SECRET": "{{resolve:secretsmanager:" + PREFIX + "/service-token}}",
        # Peppers API-key hashes and app secrets (shared.peppered): per stage, never in plain text.
        "STRATUS_SECRET_PEPPER": "{{resolve:secretsmanager:" + PREFIX + "/secret-pepper}}",
        "STRATUS_JWT_PUBLIC_JWKS": "{{resolve:ssm:/" + PREFIX + "/jwt-public-jwks}}",
        "STRATUS_MAIL_FROM": "${param:mailFrom}",
        "STRATUS_ALERT_EMAILS": "${param:alertEmails}",
        "POWERTOOLS_METRICS_NAMESPACE": "Stratus",
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }


def _provider(registry: Registry, refs: Refs, **extra: Any) -> dict[str, Any]:
    return {
        "name": "aws",
        "runtime": RUNTIME,
        "architecture": "x86_64",
        "stage": "${opt:stage, 'dev'}",
        "region": "${opt:region, 'us-east-1'}",
        "memorySize": 256,
        "timeout": 10,
        "logRetentionInDays": 30,
        # Nothing points at a published version (no aliases, no provisioned concurrency); one
        # AWS::Lambda::Version per function would only eat into CloudFormation's resource limit.
        "versionFunctions": False,
        "tracing": {"lambda": True},
        **extra,
        "environment": _environment(registry),
    }


def _roles(stack: Stack, registry: Registry, refs: Refs) -> dict[str, Any]:
    return {
        f"{logical(fn.qualified_name)}Role": role(statements_for(fn, registry), refs)
        for fn in stack.functions
    }


def _layer(root: str) -> dict[str, Any]:
    return {
        "deps": {
            "description": "Stratus runtime dependencies (built by `stratus package`)",
            "package": {"artifact": f"{root}/build/deps-layer.zip"},
            "compatibleRuntimes": [RUNTIME],
        }
    }


# --- one stack per service ------------------------------------------------------------------------------
def compose_file(plan: Layout) -> dict[str, Any]:
    services: dict[str, Any] = {SHARED: {"path": f"{STACKS}/{SHARED}"}}
    for stack in plan.services:
        services[stack.name] = {
            "path": f"{STACKS}/{stack.name}",
            "dependsOn": [SHARED],
            "params": dict(SHARED_PARAMS),
        }
    return {"services": services}


def shared_file(plan: Layout, registry: Registry) -> dict[str, Any]:
    stack = plan.shared
    refs = Refs(stack, plan)
    authorizer = registry.authorizer
    api, conditions = http_api(authorizer)
    return {
        "service": f"{SERVICE}-{SHARED}",
        "frameworkVersion": ">=3",
        "params": {
            "default": {
                "corsOrigin": "${env:STRATUS_BUCKET_CORS_ORIGIN, '*'}",
                "apiCorsOrigins": "${env:STRATUS_API_CORS_ORIGINS, ''}",
                **MAIL_PARAMS,
            }
        },
        "provider": _provider(
            registry,
            refs,
            layers=[{"Ref": "DepsLambdaLayer"}],
            stackParameters=[{"ParameterKey": "ApiCorsOrigins", "ParameterValue": "${param:apiCorsOrigins}"}],
        ),
        "package": {"artifact": "../../../build/code.zip"},
        "layers": _layer("../../.."),
        "functions": {fn.qualified_name: _function(fn, events=[]) for fn in stack.functions},
        "resources": {
            "Parameters": API_CORS_PARAMETER,
            "Conditions": conditions,
            "Resources": {**resources(stack, plan), **api, **_roles(stack, registry, refs)},
            "Outputs": exports(stack, authorizer),
        },
    }


def service_file(stack: Stack, plan: Layout, registry: Registry) -> dict[str, Any]:
    refs = Refs(stack, plan)
    extra: dict[str, Any] = {
        "deploymentBucket": {"name": "${param:deploymentBucket}"},
        "layers": ["${param:depsLayerArn}"],
    }
    if any(on_http_api(fn) for fn in stack.functions):  # attached to the shared API
        extra["httpApi"] = {"id": import_value("HttpApiId"), "payload": "2.0"}
    authorizer = {"type": "request", "id": import_value("AuthorizerId")}
    doc: dict[str, Any] = {
        "service": f"{SERVICE}-{stack.name}",
        "frameworkVersion": ">=3",
        "params": {"default": dict(MAIL_PARAMS)},
        "provider": _provider(registry, refs, **extra),
        "package": {"artifact": "../../../build/code.zip"},
        "functions": {
            fn.qualified_name: _function(fn, events=_events(fn, authorizer)) for fn in stack.functions
        },
    }
    own = {**resources(stack, plan), **_roles(stack, registry, refs)}
    own |= state_machines.cfn_resources([s for s in registry.services if s.name == stack.name])
    if own:
        doc["resources"] = {"Resources": own}
    return doc


# --- the monolith -----------------------------------------------------------------------------------------
def _monolith_http_api(registry: Registry) -> dict[str, Any]:
    config: dict[str, Any] = {
        "payload": "2.0",
        # Browser origins allowed to call the API: the `apiCorsOrigins` param (a list; none by default),
        # with the headers and methods the local gateway answers (shared/adapters/cors.py).
        "cors": {
            "allowedOrigins": "${param:apiCorsOrigins}",
            "allowedHeaders": list(cors.ALLOWED_HEADERS),
            "allowedMethods": ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            "exposedResponseHeaders": list(cors.EXPOSED_HEADERS),
            "maxAge": cors.MAX_AGE_SECONDS,
        },
    }
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


def monolith_file(registry: Registry) -> dict[str, Any]:
    stack = monolith(registry)
    refs = Refs(stack)
    http = registry.http_functions
    routes = [_http_event(fn.route, {"name": AUTHORIZER}) for fn in http if on_http_api(fn)]
    app = Function(MONOLITH, Route("ANY", "/{proxy+}"), timeout=29, memory=512, service="http")
    # Every route's handler is in this one function: its internal calls stay in it (in-process).
    environment = {TRANSPORT_SETTING: "inprocess"}
    if any(scraped(fn) for fn in http):
        environment |= SCRAPE_TOKEN
    functions = {
        MONOLITH: _function(app, events=routes, handler="functions.monolith.handler")
        | {"name": f"{PREFIX}-{MONOLITH}", "role": "HttpMonolithRole", "environment": environment}
    }
    others = [fn for fn in registry.functions.values() if not isinstance(fn.trigger, Route)]
    for fn in others:
        functions[fn.qualified_name] = _function(fn, events=_events(fn, {"name": AUTHORIZER}))
    logs = Statement(
        "Logs", ("logs:CreateLogStream", "logs:PutLogEvents"), (Resource("log_group", MONOLITH),)
    )
    in_process = [st for st in merged(http, registry) if st.sid != "Invoke"]
    roles = {"HttpMonolithRole": role([logs, *in_process], refs)}
    roles |= {
        f"{logical(fn.qualified_name)}Role": role(_invoking_the_monolith(statements_for(fn, registry)), refs)
        for fn in others
    }
    provider = _provider(
        registry, refs, httpApi=_monolith_http_api(registry), layers=[{"Ref": "DepsLambdaLayer"}]
    )
    # Jobs and subscribers invoke the one function that serves every internal route.
    provider["environment"][TARGET_SETTING] = f"{PREFIX}-{MONOLITH}"
    return {
        "service": SERVICE,
        "frameworkVersion": ">=3",
        "params": {
            "default": {
                "corsOrigin": "${env:STRATUS_BUCKET_CORS_ORIGIN, '*'}",
                "apiCorsOrigins": [],
                **MAIL_PARAMS,
            }
        },
        "provider": provider,
        "package": {"artifact": "../../build/code.zip"},
        "layers": _layer("../.."),
        "functions": functions,
        "resources": {
            "Resources": {**resources(stack), **roles, **state_machines.cfn_resources(registry.services)},
            "Outputs": {
                "HttpApiEndpoint": {"Value": get_att("HttpApi", "ApiEndpoint")},
                "EventBusName": {"Value": {"Ref": "EventBus"}},
                "FilesBucketName": {"Value": {"Ref": "FilesBucket"}},
            },
        },
    }


def _invoking_the_monolith(statements: list[Statement]) -> list[Statement]:
    """In the monolith every internal route is the HTTP function's: invoking any of them is invoking it."""
    target = (Resource("function", MONOLITH),)
    return [Statement(st.sid, st.actions, target) if st.sid == "Invoke" else st for st in statements]


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
    _check(registry)
    plan = layout(registry)
    out = {
        COMPOSE: dump(compose_file(plan)),
        stack_file(SHARED): dump(shared_file(plan, registry)),
    }
    for stack in plan.services:
        doc = websocket.extend(service_file(stack, plan, registry), stack.functions)  # the WebSocket API
        out[stack_file(stack.name)] = dump(doc)
    mono = websocket.extend(monolith_file(registry), registry.functions.values())
    out[f"{MONOLITH_DIR}/serverless.yml"] = dump(mono)
    return out
