"""The CloudFormation resources of the osls stacks: intrinsic-function helpers, how a stack names a resource
(its own, the shared stack's, another service's), the least-privilege roles, the tables, the bus with one
rule → queue (+ DLQ) per subscriber, the bucket, and the shared HTTP API."""

from __future__ import annotations

import re
from typing import Any

from shared.adapters import cors
from shared.declarations import Authorizer, Function, Subscription, Table
from stratus.deploy.permissions import Resource, Statement
from stratus.deploy.stacks import Layout, Stack
from stratus.provision import table_definition

# Every resource is named stratus-<stage>-…, whichever stack creates it.
PREFIX = "stratus-${sls:stage}"


class GenerationError(ValueError):
    pass


def logical(name: str) -> str:
    """`monitoring-health` → `MonitoringHealth` (CloudFormation logical ids are alphanumeric)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]", name) if part)


def osls_function_id(name: str) -> str:
    """The logical id osls gives a function's AWS::Lambda::Function (`gateway-authorizer` →
    `GatewayDashauthorizerLambdaFunction`)."""
    normalized = name.replace("-", "Dash").replace("_", "Underscore")
    return normalized[:1].upper() + normalized[1:] + "LambdaFunction"


def get_att(resource: str, attribute: str = "Arn") -> dict[str, Any]:
    return {"Fn::GetAtt": [resource, attribute]}


def join(*parts: Any) -> dict[str, Any]:
    return {"Fn::Join": ["", list(parts)]}


def import_value(key: str) -> dict[str, Any]:
    return {"Fn::ImportValue": f"{PREFIX}-{key}"}


def _account_arn(service: str, rest: str) -> dict[str, Any]:
    return join(
        "arn:",
        {"Ref": "AWS::Partition"},
        f":{service}:",
        {"Ref": "AWS::Region"},
        ":",
        {"Ref": "AWS::AccountId"},
        f":{rest}",
    )


def table_export(table: str) -> str:
    return f"{logical(table)}TableArn"


class Refs:
    """How one stack's template refers to a resource: by GetAtt if the stack creates it, by the shared
    stack's export if that one does, by its name (a service's table another service describes)."""

    def __init__(self, stack: Stack, layout: Layout | None = None) -> None:
        self.stack = stack
        self.layout = layout

    def _shared(self, logical_id: str, export: str, attribute: str = "Arn") -> Any:
        if self.stack.holds_shared:
            return get_att(logical_id, attribute) if attribute != "Ref" else {"Ref": logical_id}
        return import_value(export)

    def table(self, name: str) -> Any:
        if name in self.stack.table_names:
            return get_att(f"{logical(name)}Table")
        if self.layout is not None and name in self.layout.shared.table_names:
            return import_value(table_export(name))
        return _account_arn("dynamodb", f"table/{PREFIX}-{name}")

    def bus_arn(self) -> Any:
        return self._shared("EventBus", "EventBusArn")

    def bus_name(self) -> Any:
        return self._shared("EventBus", "EventBusName", "Ref")

    def bucket_arn(self) -> Any:
        return self._shared("FilesBucket", "FilesBucketArn")

    def kms_key_arn(self) -> Any:
        return self._shared("DataKey", "DataKeyArn")

    def api_endpoint(self) -> Any:
        return self._shared("HttpApi", "HttpApiEndpoint", "ApiEndpoint")

    def arn(self, resource: Resource) -> Any:
        match resource.kind:
            case "table":
                return self.table(resource.name)
            case "table_indexes":
                return join(self.table(resource.name), "/index/*")
            case "bus":
                return self.bus_arn()
            case "queue":
                return get_att(f"{logical(resource.name)}Queue")  # a subscriber's queue is in its stack
            case "every_queue":
                return _account_arn("sqs", f"{PREFIX}-*")
            case "bucket":
                return self.bucket_arn()
            case "bucket_objects":
                return join(self.bucket_arn(), "/*")
            case "kms_key":
                return self.kms_key_arn()
            case "any":
                return "*"
            case "function":  # by name: the callee may be in another stack
                return _account_arn("lambda", f"function:{PREFIX}-{resource.name}")
            case "log_group":
                return _account_arn("logs", f"log-group:/aws/lambda/{PREFIX}-{resource.name}:*")
            case _:
                raise GenerationError(f"no ARN for {resource}")


def role(statements: list[Statement], refs: Refs) -> dict[str, Any]:
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
                                "Resource": [refs.arn(r) for r in st.resources],
                            }
                            for st in statements
                        ],
                    },
                }
            ],
        },
    }


def _table(table: Table) -> dict[str, Any]:
    # The same keys and indexes `stratus provision` creates, plus what only a deployment sets.
    props = table_definition(table) | {
        "TableName": f"{PREFIX}-{table.name}",
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
    }
    if table.ttl_attribute:
        props["TimeToLiveSpecification"] = {"AttributeName": table.ttl_attribute, "Enabled": True}
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": props,
    }


def _subscription(fn: Function, refs: Refs) -> dict[str, Any]:
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
                    "deadLetterTargetArn": get_att(f"{name}DeadLetterQueue"),
                    "maxReceiveCount": sub.max_receive_count,
                },
            },
        },
        f"{name}Rule": {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "Name": f"{PREFIX}-{fn.service}",
                "EventBusName": refs.bus_name(),
                "EventPattern": sub.event_pattern(),
                "State": "ENABLED",
                "Targets": [{"Id": "queue", "Arn": get_att(f"{name}Queue")}],
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
                            "Resource": get_att(f"{name}Queue"),
                            "Condition": {"ArnEquals": {"aws:SourceArn": get_att(f"{name}Rule")}},
                        }
                    ],
                },
            },
        },
    }


def _bucket() -> dict[str, Any]:
    return {
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


def resources(stack: Stack, layout: Layout | None = None) -> dict[str, Any]:
    """The stack's own tables and subscriber queue, and, if it holds them, the bus, the bucket and the
    data key."""
    refs = Refs(stack, layout)
    out: dict[str, Any] = {}
    if stack.holds_shared:
        out["EventBus"] = {"Type": "AWS::Events::EventBus", "Properties": {"Name": f"{PREFIX}-bus"}}
    for table in stack.tables:
        out[f"{logical(table.name)}Table"] = _table(table)
    for fn in stack.functions:
        if isinstance(fn.trigger, Subscription):
            out.update(_subscription(fn, refs))
    if stack.holds_shared:
        out["FilesBucket"] = _bucket()
        out.update(_data_key())
    return out


def _data_key() -> dict[str, Any]:
    """The key that seals secrets at rest (shared.sealed: a data key per secret), with its alias."""
    return {
        "DataKey": {
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": f"{PREFIX}: seals secrets at rest (MFA secrets)",
                "EnableKeyRotation": True,
                "KeyPolicy": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "AccountAdministers",
                            "Effect": "Allow",
                            "Principal": {
                                "AWS": join(
                                    "arn:",
                                    {"Ref": "AWS::Partition"},
                                    ":iam::",
                                    {"Ref": "AWS::AccountId"},
                                    ":root",
                                )
                            },
                            "Action": "kms:*",
                            "Resource": "*",
                        }
                    ],
                },
            },
        },
        "DataKeyAlias": {
            "Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": f"alias/{PREFIX}-data", "TargetKeyId": {"Ref": "DataKey"}},
        },
    }


# --- the shared stack's HTTP API: service stacks attach their routes to it (osls provider.httpApi.id) ---
AUTHORIZER_ID = "HttpApiAuthorizerStratus"


# A stack parameter (osls provider.stackParameters): comma-separated browser origins, none by default.
API_CORS_PARAMETER = {
    "ApiCorsOrigins": {
        "Type": "CommaDelimitedList",
        "Default": "",
        "Description": "Browser origins allowed to call the HTTP API (CORS); empty: none",
    }
}


def http_api(authorizer: Function | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The API, its `$default` stage with access logs, and the Lambda authorizer: resources and conditions.
    CORS: the origins of the `ApiCorsOrigins` stack parameter (none by default), with the headers and
    methods the local gateway answers (shared/adapters/cors.py)."""
    resources: dict[str, Any] = {
        "HttpApi": {
            "Type": "AWS::ApiGatewayV2::Api",
            "Properties": {
                "Name": f"{PREFIX}-http",
                "ProtocolType": "HTTP",
                "CorsConfiguration": {
                    "Fn::If": [
                        "HasApiCorsOrigins",
                        {
                            "AllowOrigins": {"Ref": "ApiCorsOrigins"},
                            "AllowHeaders": list(cors.ALLOWED_HEADERS),
                            "AllowMethods": ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                            "ExposeHeaders": list(cors.EXPOSED_HEADERS),
                            "MaxAge": cors.MAX_AGE_SECONDS,
                        },
                        {"Ref": "AWS::NoValue"},
                    ]
                },
            },
        },
        "HttpApiAccessLogs": {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "LogGroupName": f"/aws/apigateway/{PREFIX}-http",
                "RetentionInDays": 30,
            },
        },
        "HttpApiStage": {
            "Type": "AWS::ApiGatewayV2::Stage",
            "Properties": {
                "ApiId": {"Ref": "HttpApi"},
                "StageName": "$default",
                "AutoDeploy": True,
                "AccessLogSettings": {
                    "DestinationArn": get_att("HttpApiAccessLogs"),
                    "Format": (
                        '{"requestId":"$context.requestId","routeKey":"$context.routeKey",'
                        '"status":"$context.status","latency":"$context.responseLatency",'
                        '"ip":"$context.identity.sourceIp"}'
                    ),
                },
            },
        },
    }
    origins = {"Fn::Join": ["", {"Ref": "ApiCorsOrigins"}]}
    conditions = {"HasApiCorsOrigins": {"Fn::Not": [{"Fn::Equals": [origins, ""]}]}}
    if authorizer is not None:
        assert isinstance(authorizer.trigger, Authorizer)
        function_arn = get_att(osls_function_id(authorizer.qualified_name))
        resources[AUTHORIZER_ID] = {
            "Type": "AWS::ApiGatewayV2::Authorizer",
            "Properties": {
                "ApiId": {"Ref": "HttpApi"},
                "Name": "stratus",
                "AuthorizerType": "REQUEST",
                "AuthorizerPayloadFormatVersion": "2.0",
                "EnableSimpleResponses": True,
                "AuthorizerResultTtlInSeconds": authorizer.trigger.result_ttl_seconds,
                "IdentitySource": [],
                "AuthorizerUri": join(
                    "arn:",
                    {"Ref": "AWS::Partition"},
                    ":apigateway:",
                    {"Ref": "AWS::Region"},
                    ":lambda:path/2015-03-31/functions/",
                    function_arn,
                    "/invocations",
                ),
            },
        }
        resources["HttpApiAuthorizerPermission"] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": function_arn,
                "Action": "lambda:InvokeFunction",
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": join(
                    "arn:",
                    {"Ref": "AWS::Partition"},
                    ":execute-api:",
                    {"Ref": "AWS::Region"},
                    ":",
                    {"Ref": "AWS::AccountId"},
                    ":",
                    {"Ref": "HttpApi"},
                    "/authorizers/*",
                ),
            },
        }
    return resources, conditions


def exports(stack: Stack, authorizer: Function | None) -> dict[str, Any]:
    """What the shared stack exports for the service stacks (`Fn::ImportValue stratus-<stage>-<key>`)."""
    values: dict[str, Any] = {
        "HttpApiId": {"Ref": "HttpApi"},
        "HttpApiEndpoint": get_att("HttpApi", "ApiEndpoint"),
        "EventBusName": {"Ref": "EventBus"},
        "EventBusArn": get_att("EventBus"),
        "FilesBucketName": {"Ref": "FilesBucket"},
        "FilesBucketArn": get_att("FilesBucket"),
        "DataKeyArn": get_att("DataKey"),
    }
    if authorizer is not None:
        values["AuthorizerId"] = {"Ref": AUTHORIZER_ID}
    for table in stack.tables:
        values[table_export(table.name)] = get_att(f"{logical(table.name)}Table")
    return {key: {"Value": value, "Export": {"Name": f"{PREFIX}-{key}"}} for key, value in values.items()}
