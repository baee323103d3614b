"""The CloudFormation resources shared by both serverless.yml modes: intrinsic-function helpers, the
least-privilege roles, the tables, the bus with one rule → queue (+ DLQ) per subscriber, and the bucket."""

from __future__ import annotations

import re
from typing import Any

from shared.declarations import Function, Subscription, Table
from shared.registry import Registry
from stratus.deploy.permissions import Resource, Statement
from stratus.provision import table_definition

PREFIX = "${self:service}-${sls:stage}"


class GenerationError(ValueError):
    pass


def logical(name: str) -> str:
    """`monitoring-health` → `MonitoringHealth` (CloudFormation logical ids are alphanumeric)."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]", name) if part)


def get_att(resource: str, attribute: str = "Arn") -> dict[str, Any]:
    return {"Fn::GetAtt": [resource, attribute]}


def _join(*parts: Any) -> dict[str, Any]:
    return {"Fn::Join": ["", list(parts)]}


def _arn(resource: Resource) -> Any:
    match resource.kind:
        case "table":
            return get_att(f"{logical(resource.name)}Table")
        case "table_indexes":
            return _join(get_att(f"{logical(resource.name)}Table"), "/index/*")
        case "bus":
            return get_att("EventBus")
        case "queue":
            return get_att(f"{logical(resource.name)}Queue")
        case "bucket":
            return get_att("FilesBucket")
        case "bucket_objects":
            return _join(get_att("FilesBucket"), "/*")
        case "any":
            return "*"
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


def role(statements: list[Statement]) -> dict[str, Any]:
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
                    "deadLetterTargetArn": get_att(f"{name}DeadLetterQueue"),
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
        "HttpApiEndpoint": {"Value": get_att("HttpApi", "ApiEndpoint")},
        "EventBusName": {"Value": {"Ref": "EventBus"}},
        "FilesBucketName": {"Value": {"Ref": "FilesBucket"}},
    }
    return {"Resources": out, "Outputs": outputs}
