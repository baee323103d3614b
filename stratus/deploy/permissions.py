"""Least-privilege IAM per function, derived from its declaration, in terms both deployments render.

A function gets only: its own log group; the tables it names (plus the idempotency table if it
subscribes or runs on a schedule, the outbox if it publishes); UpdateItem on the request-metrics table
if it serves HTTP (and Query if it reads them); its own queue; PutEvents on the bus if it
publishes; the bucket's objects if it uses the bucket; SES SendEmail and SNS Publish if it sends
messages; Describe/Head on every table, the bus and the bucket if it inspects the platform; and reads of
the config table if it evaluates feature flags (`reads_flags`); GenerateDataKey and Decrypt on the
deployment's data key if it seals secrets (`kms`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared.config_docs import TABLE as CONFIG_TABLE
from shared.declarations import (
    IDEMPOTENCY_TABLE,
    OUTBOX_TABLE,
    REQUEST_METRICS_TABLE,
    Function,
    Route,
    Schedule,
    Subscription,
)
from shared.registry import Registry

Kind = Literal[
    "log_group", "table", "table_indexes", "bus", "queue", "bucket", "bucket_objects", "kms_key", "any"
]


@dataclass(frozen=True, order=True)
class Resource:
    kind: Kind
    name: str = ""  # table logical name, subscriber service, or function qualified name


@dataclass(frozen=True)
class Statement:
    sid: str
    actions: tuple[str, ...]
    resources: tuple[Resource, ...]


TABLE_RW = (
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)
QUEUE_CONSUME = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
)


def statements_for(fn: Function, registry: Registry) -> list[Statement]:
    out = [
        Statement(
            "Logs", ("logs:CreateLogStream", "logs:PutLogEvents"), (Resource("log_group", fn.qualified_name),)
        )
    ]
    tables = list(fn.tables)
    if fn.publishes:
        tables.append(OUTBOX_TABLE.name)  # events are staged with their write (shared.outbox)
    if isinstance(fn.trigger, Subscription | Schedule):  # event ids / a job's run lock
        tables.append(IDEMPOTENCY_TABLE.name)
    if isinstance(fn.trigger, Subscription):
        out.append(Statement("Queue", QUEUE_CONSUME, (Resource("queue", fn.service),)))
    if tables:
        resources = [Resource("table", t) for t in tables] + [Resource("table_indexes", t) for t in tables]
        out.append(Statement("Tables", TABLE_RW, tuple(sorted(resources))))
    if isinstance(fn.trigger, Route):
        actions = ("dynamodb:UpdateItem",) + (("dynamodb:Query",) if fn.reads_request_metrics else ())
        out.append(Statement("RequestMetrics", actions, (Resource("table", REQUEST_METRICS_TABLE.name),)))
    if fn.reads_flags and CONFIG_TABLE not in fn.tables:
        # shared.flags reads the current documents on a cache miss (GetItem + BatchGetItem, never a write)
        out.append(
            Statement(
                "Flags", ("dynamodb:GetItem", "dynamodb:BatchGetItem"), (Resource("table", CONFIG_TABLE),)
            )
        )
    if fn.publishes:
        out.append(Statement("Publish", ("events:PutEvents",), (Resource("bus"),)))
    if fn.bucket:
        out.append(
            Statement(
                "Files", ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"), (Resource("bucket_objects"),)
            )
        )
        # Without ListBucket, S3 answers 403 instead of 404 for an object not uploaded yet.
        out.append(Statement("FilesList", ("s3:ListBucket",), (Resource("bucket"),)))
    if fn.kms:
        # Envelope encryption (shared.sealed): a data key per secret, decrypted again to open it.
        out.append(Statement("DataKey", ("kms:GenerateDataKey", "kms:Decrypt"), (Resource("kms_key"),)))
    if fn.sends_messages:
        # SMS goes to phone numbers (no topic ARN to name) and SES identities are per deployment.
        out.append(Statement("Messages", ("ses:SendEmail", "sns:Publish"), (Resource("any"),)))
    if fn.inspects_platform:
        every_table = tuple(Resource("table", t.name) for t in registry.tables())
        out.append(Statement("DescribeTables", ("dynamodb:DescribeTable",), every_table))
        out.append(Statement("DescribeBus", ("events:DescribeEventBus",), (Resource("bus"),)))
        out.append(Statement("HeadBucket", ("s3:ListBucket",), (Resource("bucket"),)))
    return out


def merged(functions: list[Function], registry: Registry) -> list[Statement]:
    """One role for several functions (the monolith): the union, statement by statement."""
    by_sid: dict[str, Statement] = {}
    for fn in functions:
        for st in statements_for(fn, registry):
            if st.sid == "Logs":
                continue
            seen = by_sid.get(st.sid)
            if seen is None:
                by_sid[st.sid] = st
            else:
                actions = tuple(dict.fromkeys(seen.actions + st.actions))
                by_sid[st.sid] = Statement(st.sid, actions, tuple(sorted(set(seen.resources + st.resources))))
    return list(by_sid.values())
