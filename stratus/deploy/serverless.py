"""serverless.yml and its parts, generated from the declarations.

`serverless.yml` holds the provider, packaging and the deps layer; `deploy/serverless/` holds the
functions and IAM roles for each mode (`split`: one Lambda per declaration; `monolith`: every route on one
Lambda through serverless-wsgi) and the shared resources. The mode is a parameter:
`npx osls package --param="mode=monolith"`.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from shared.declarations import Auth, Authorizer, Function, Route, Schedule, Subscription, Table
from shared.registry import Registry
from stratus.deploy.permissions import Resource, Statement, merged, statements_for

SERVICE = "stratus"
PREFIX = "${self:service}-${sls:stage}"
PARTS = "deploy/serverless"
MONOLITH = "http-monolith"
RUNTIME = "python3.12"


class GenerationError(ValueError):
    pass


def logical(name: str) -> str:
    """`monitoring-health` → `MonitoringHealth` (CloudFormation logical ids are alphanumeric)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]", name) if part)


def _get_att(resource: str, attribute: str = "Arn") -> dict[str, Any]:
    return {"Fn::GetAtt": [resource, attribute]}


def _join(*parts: Any) -> dict[str, Any]:
    return {"Fn::Join": ["", list(parts)]}


def _arn(resource: Resource) -> Any:
    match resource.kind:
        case "table":
            return _get_att(f"{logical(resource.name)}Table")
        case "table_indexes":
            return _join(_get_att(f"{logical(resource.name)}Table"), "/index/*")
        case "bus":
            return _get_att("EventBus")
        case "queue":
            return _get_att(f"{logical(resource.name)}Queue")
        case "bucket":
            return _get_att("FilesBucket")
        case "bucket_objects":
            return _join(_get_att("FilesBucket"), "/*")
        case "log_group":
            return _join(
                "arn:",
                {"Ref": "AWS::Partition"},
                ":logs:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                f":log-group:/aws/lambda/{PREFIX}-{resource.name}:*",
            )
    raise GenerationError(f"no ARN for {resource}")


def _role(statements: list[Statement]) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            "Policies": [
                {
                    "PolicyName": "least-privilege",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Sid": st.sid,
                                "Effect": "Allow",
                                "Action": list(st.actions),
                                "Resource": [_arn(r) for r in st.resources],
                            }
                            for st in statements
                        ],
                    },
                }
            ],
        },
    }


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
            "arn": _get_att(f"{logical(fn.service)}Queue"),
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
        resources["HttpMonolithRole"] = _role([logs, *merged(http, registry)])
        fns = [fn for fn in fns if not isinstance(fn.trigger, Route)]
    for fn in fns:
        resources[f"{logical(fn.qualified_name)}Role"] = _role(statements_for(fn, registry))
    return {"Resources": resources}


def _table(table: Table) -> dict[str, Any]:
    keys = ["pk", "sk"] + [f"gsi{i}{part}" for i in range(1, table.indexes + 1) for part in ("pk", "sk")]
    props: dict[str, Any] = {
        "TableName": f"{PREFIX}-{table.name}",
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k in keys],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
    }
    if table.indexes:
        props["GlobalSecondaryIndexes"] = [
            {
                "IndexName": f"gsi{i}",
                "KeySchema": [
                    {"AttributeName": f"gsi{i}pk", "KeyType": "HASH"},
                    {"AttributeName": f"gsi{i}sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for i in range(1, table.indexes + 1)
        ]
    if table.ttl_attribute:
        props["TimeToLiveSpecification"] = {"AttributeName": table.ttl_attribute, "Enabled": True}
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": props,
    }


def _subscription(fn: Function) -> dict[str, Any]:
    assert isinstance(fn.trigger, Subscription)
    sub, name = fn.trigger, logical(fn.service)
    return {
        f"{name}DeadLetterQueue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": f"{PREFIX}-{fn.service}-events-dlq",
                "MessageRetentionPeriod": 1209600,
                "SqsManagedSseEnabled": True,
            },
        },
        f"{name}Queue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": f"{PREFIX}-{fn.service}-events",
                "VisibilityTimeout": sub.visibility_timeout,
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {
                    "deadLetterTargetArn": _get_att(f"{name}DeadLetterQueue"),
                    "maxReceiveCount": sub.max_receive_count,
                },
            },
        },
        f"{name}Rule": {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "Name": f"{PREFIX}-{fn.service}",
                "EventBusName": {"Ref": "EventBus"},
                "EventPattern": sub.event_pattern(),
                "State": "ENABLED",
                "Targets": [{"Id": "queue", "Arn": _get_att(f"{name}Queue")}],
            },
        },
        f"{name}QueuePolicy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [{"Ref": f"{name}Queue"}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": _get_att(f"{name}Queue"),
                            "Condition": {"ArnEquals": {"aws:SourceArn": _get_att(f"{name}Rule")}},
                        }
                    ],
                },
            },
        },
    }


def resources(registry: Registry) -> dict[str, Any]:
    out: dict[str, Any] = {
        "EventBus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": f"{PREFIX}-bus"}}
    }
    for table in registry.tables():
        out[f"{logical(table.name)}Table"] = _table(table)
    for fn in registry.subscribers:
        out.update(_subscription(fn))
    out["FilesBucket"] = {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BucketName": f"{PREFIX}-files",
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "CorsConfiguration": {
                "CorsRules": [
                    {
                        "AllowedMethods": ["GET", "PUT", "POST"],
                        "AllowedOrigins": ["${param:corsOrigin}"],
                        "AllowedHeaders": ["*"],
                        "ExposedHeaders": ["ETag"],
                        "MaxAge": 3000,
                    }
                ]
            },
        },
    }
    outputs = {
        "HttpApiEndpoint": {"Value": _get_att("HttpApi", "ApiEndpoint")},
        "EventBusName": {"Value": {"Ref": "EventBus"}},
        "FilesBucketName": {"Value": {"Ref": "FilesBucket"}},
    }
    return {"Resources": out, "Outputs": outputs}


def _http_api(registry: Registry) -> dict[str, Any]:
    config: dict[str, Any] = {"payload": "2.0"}
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


def main_file(registry: Registry) -> dict[str, Any]:
    tables = ",".join(t.name for t in registry.tables())
    return {
        "service": SERVICE,
        "frameworkVersion": ">=3",
        "params": {"default": {"mode": "split", "corsOrigin": "*"}},
        "provider": {
            "name": "aws",
            "runtime": RUNTIME,
            "architecture": "x86_64",
            "stage": "${opt:stage, 'dev'}",
            "region": "${opt:region, 'us-east-1'}",
            "memorySize": 256,
            "timeout": 10,
            "logRetentionInDays": 30,
            "tracing": {"lambda": True},
            "httpApi": _http_api(registry),
            "layers": [{"Ref": "DepsLambdaLayer"}],
            "environment": {
                "STRATUS_STAGE": "${sls:stage}",
                "STRATUS_RESOURCE_PREFIX": PREFIX,
                "STRATUS_TABLES": tables,
                "STRATUS_GATEWAY_URL": _get_att("HttpApi", "ApiEndpoint"),
                "STRATUS_SERVICE_TOKEN_SECRET": "{{resolve:secretsmanager:" + PREFIX + "/service-token}}",
                "STRATUS_JWT_PUBLIC_JWKS": "{{resolve:ssm:/" + PREFIX + "/jwt-public-jwks}}",
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
