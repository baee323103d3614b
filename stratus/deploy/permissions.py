"""Least-privilege IAM per function, derived from its declaration, in terms both deployments render.

A function gets only: its own log group; the tables it names (plus the idempotency table if it
subscribes, runs on a schedule or takes keyed internal calls, the outbox if it publishes); UpdateItem on
the request-metrics table if it serves HTTP (and Query if it reads them); its own queue; PutEvents on the
bus if it publishes; InvokeFunction on the internal-route functions of the services it calls
(`stratus.deploy.internal_calls`); the bucket's objects if it uses the bucket; SES SendEmail and SNS
Publish if it sends messages; Describe/Head on every table, the bus and the bucket if it inspects the
platform; and reads of the config table if it evaluates feature flags (`reads_flags`); GenerateDataKey and
Decrypt on the deployment's data key if it seals secrets (`kms`).
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
from stratus.deploy.internal_calls import invoke_targets, takes_keyed_calls

Kind = Literal[
    "log_group",
    "table",
    "table_indexes",
    "bus",
    "queue",
    "every_queue",  # every queue of the deployment (`<prefix>-*`): the console's queue view and redrive
    "bucket",
    "bucket_objects",
    "kms_key",
    "function",
    "any",
]


@dataclass(frozen=True, order=True)
class Resource:
    kind: Kind
    name: str = ""  # table logical name, subscriber service, or function qualified name (log group, invoke)


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


QUEUE_MANAGE = (
    "sqs:GetQueueUrl",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
    "sqs:SendMessage",
    "sqs:DeleteMessage",
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
    if isinstance(fn.trigger, Subscription | Schedule) or takes_keyed_calls(fn):
        tables.append(IDEMPOTENCY_TABLE.name)  # event ids / a job's run lock / a keyed call's answer
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
    targets = invoke_targets(fn, registry)
    if targets:
        # Internal calls are Lambda Invokes: exactly the functions of the services `calls=` names.
        out.append(
            Statement("Invoke", ("lambda:InvokeFunction",), tuple(Resource("function", t) for t in targets))
        )
    if fn.starts:  # its service's state machines (stratus/deploy/state_machines.py); names are per stage
        out.append(Statement("StartExecution", ("states:StartExecution",), (Resource("any"),)))
    if fn.manages_queues:
        # Every queue of this deployment (not another's); ListQueues takes no resource, so it is on "*".
        out.append(Statement("Queues", QUEUE_MANAGE, (Resource("every_queue"),)))
        out.append(Statement("ListQueues", ("sqs:ListQueues",), (Resource("any"),)))
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
