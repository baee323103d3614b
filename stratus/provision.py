"""Create what the declarations need on an AWS API (the emulator, or LocalStack): tables, the bus, one
queue + DLQ + rule per subscriber service, the file bucket, the KMS data key. Safe to run again: existing
resources stay."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from botocore.exceptions import ClientError

from shared import aws
from shared.config import settings
from shared.declarations import Function, Subscription, Table
from shared.registry import Registry

Log = Callable[[str], None]


@dataclass(frozen=True)
class QueueInfo:
    service: str
    url: str
    arn: str
    dlq_url: str
    dlq_arn: str


@dataclass
class Provisioned:
    tables: list[str] = field(default_factory=list)
    queues: dict[str, QueueInfo] = field(default_factory=dict)  # by subscriber function's qualified name
    bus: str = ""
    bucket: str = ""
    mail_from: str = ""
    data_key: str = ""


def provision(registry: Registry, log: Log = print) -> Provisioned:
    out = Provisioned()
    for table in registry.tables():
        out.tables.append(create_table(table))
        log(f"  table   {out.tables[-1]}")
    out.bus = create_bus()
    log(f"  bus     {out.bus}")
    for fn in registry.subscribers:
        out.queues[fn.qualified_name] = create_subscription(fn)
        log(f"  queue   {settings().queue_name(fn.service)} (+ DLQ) ← rule for {fn.service}")
    out.bucket = create_bucket()
    log(f"  bucket  {out.bucket}")
    if any(fn.kms for fn in registry.functions.values()):
        out.data_key = create_data_key()
        log(f"  key     {out.data_key}")
    if any(fn.sends_messages for fn in registry.functions.values()):
        out.mail_from = create_mail_sender()
        log(f"  mail    {out.mail_from} (SES identity)")
    return out


def create_data_key() -> str:
    """The KMS key (and its alias) that seals secrets at rest (shared.sealed); kept if it exists."""
    alias = f"alias/{settings().resource_prefix}-data"
    kms: Any = aws.client(cast(Any, "kms"))  # no stubs for KMS
    try:
        kms.describe_key(KeyId=alias)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "NotFoundException":
            raise
        key_id = kms.create_key(Description="stratus: seals secrets at rest")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    return alias


def create_mail_sender() -> str:
    """The SES identity every email is sent from (creating it again is harmless)."""
    sender = settings().mail_from
    aws.client("sesv2").create_email_identity(EmailIdentity=sender)
    return sender


def table_definition(table: Table) -> dict[str, Any]:
    keys = ["pk", "sk"] + [f"gsi{i}{part}" for i in range(1, table.indexes + 1) for part in ("pk", "sk")]
    definition: dict[str, Any] = {
        "TableName": settings().table_name(table.name),
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": k, "AttributeType": "S"} for k in keys],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
    }
    if table.indexes:
        definition["GlobalSecondaryIndexes"] = [
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
    return definition


def create_table(table: Table) -> str:
    ddb = aws.client("dynamodb")
    definition = table_definition(table)
    name: str = definition["TableName"]
    try:
        ddb.create_table(**definition)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceInUseException":
            raise
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    if table.ttl_attribute:
        try:
            ddb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
            )
        except ClientError as exc:  # already enabled
            if "already enabled" not in str(exc).lower():
                raise
    return name


def create_bus() -> str:
    name = settings().bus_name
    try:
        aws.client("events").create_event_bus(Name=name)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceAlreadyExistsException":
            raise
    return name


def create_subscription(fn: Function) -> QueueInfo:
    assert isinstance(fn.trigger, Subscription)
    sub = fn.trigger
    cfg = settings()
    sqs = aws.client("sqs")
    dlq_url = sqs.create_queue(
        QueueName=cfg.dlq_name(fn.service), Attributes={"MessageRetentionPeriod": "1209600"}
    )["QueueUrl"]
    dlq_arn = _queue_arn(dlq_url)
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(sub.max_receive_count)})
    url = sqs.create_queue(
        QueueName=cfg.queue_name(fn.service),
        Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": str(sub.visibility_timeout)},
    )["QueueUrl"]
    arn = _queue_arn(url)
    rule = f"{cfg.resource_prefix}-{fn.service}"
    events = aws.client("events")
    rule_arn = events.put_rule(
        Name=rule, EventBusName=cfg.bus_name, EventPattern=json.dumps(sub.event_pattern()), State="ENABLED"
    )["RuleArn"]
    events.put_targets(Rule=rule, EventBusName=cfg.bus_name, Targets=[{"Id": "queue", "Arn": arn}])
    # What AWS needs for the rule to deliver (moto delivers without it; LocalStack and AWS do not).
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    return QueueInfo(service=fn.service, url=url, arn=arn, dlq_url=dlq_url, dlq_arn=dlq_arn)


def _queue_arn(url: str) -> str:
    attrs = aws.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return attrs["Attributes"]["QueueArn"]


def create_bucket() -> str:
    cfg = settings()
    s3 = aws.client("s3")
    try:
        if cfg.region == "us-east-1":
            s3.create_bucket(Bucket=cfg.bucket_name)
        else:
            s3.create_bucket(
                Bucket=cfg.bucket_name,
                CreateBucketConfiguration={"LocationConstraint": cfg.region},  # type: ignore[typeddict-item]
            )
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    s3.put_public_access_block(
        Bucket=cfg.bucket_name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=cfg.bucket_name,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_cors(
        Bucket=cfg.bucket_name,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedMethods": ["GET", "PUT", "POST"],
                    "AllowedOrigins": ["*"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag"],
                    "MaxAgeSeconds": 3000,
                }
            ]
        },
    )
    return cfg.bucket_name
