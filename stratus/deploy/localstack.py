"""localstack/init/ready.d/10-stratus.sh: the same resources as `stratus provision`, as awslocal commands
that LocalStack runs when it is ready (its image ships awslocal; nothing of Stratus runs inside it)."""

from __future__ import annotations

import json
import shlex

from shared.declarations import Subscription
from shared.registry import Registry
from stratus.provision import table_definition

HOOK = "localstack/init/ready.d/10-stratus.sh"
STAGE = "local"


def _q(value: object) -> str:
    return shlex.quote(value if isinstance(value, str) else json.dumps(value, separators=(",", ":")))


def script(registry: Registry) -> str:
    prefix = f"stratus-{STAGE}"
    lines = [
        "#!/usr/bin/env bash",
        "# Generated from the function declarations by `stratus generate`. Do not edit: edit the manifests.",
        f"# Creates stage `{STAGE}` (prefix {prefix}) when LocalStack is ready; safe to run twice.",
        "set -u",
        'REGION="${AWS_DEFAULT_REGION:-us-east-1}"',
        'ACCOUNT="$(awslocal sts get-caller-identity --query Account --output text)"',
        "",
    ]
    for table in registry.tables():
        definition = table_definition(table)
        name = f"{prefix}-{table.name}"
        args = [
            f"--table-name {name}",
            "--billing-mode PAY_PER_REQUEST",
            f"--attribute-definitions {_q(definition['AttributeDefinitions'])}",
            f"--key-schema {_q(definition['KeySchema'])}",
        ]
        if "GlobalSecondaryIndexes" in definition:
            args.append(f"--global-secondary-indexes {_q(definition['GlobalSecondaryIndexes'])}")
        lines.append(f"awslocal dynamodb create-table {' '.join(args)} >/dev/null || true")
        if table.ttl_attribute:
            spec = {"Enabled": True, "AttributeName": table.ttl_attribute}
            lines.append(
                f"awslocal dynamodb update-time-to-live --table-name {name} "
                f"--time-to-live-specification {_q(spec)} >/dev/null || true"
            )
    bus = f"{prefix}-bus"
    lines += ["", f"awslocal events create-event-bus --name {bus} >/dev/null || true"]
    for fn in registry.subscribers:
        assert isinstance(fn.trigger, Subscription)
        sub, queue, dlq = fn.trigger, f"{prefix}-{fn.service}-events", f"{prefix}-{fn.service}-events-dlq"
        dlq_arn = f"arn:aws:sqs:$REGION:$ACCOUNT:{dlq}"
        redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(sub.max_receive_count)})
        attributes = json.dumps({"RedrivePolicy": redrive, "VisibilityTimeout": str(sub.visibility_timeout)})
        lines += [
            f"awslocal sqs create-queue --queue-name {dlq} >/dev/null",
            f'awslocal sqs create-queue --queue-name {queue} --attributes "{_dq(attributes)}" >/dev/null',
            f"awslocal events put-rule --name {prefix}-{fn.service} --event-bus-name {bus} "
            f"--event-pattern {_q(sub.event_pattern())} >/dev/null",
            f"awslocal events put-targets --rule {prefix}-{fn.service} --event-bus-name {bus} "
            f'--targets "Id=queue,Arn=arn:aws:sqs:$REGION:$ACCOUNT:{queue}" >/dev/null',
        ]
    bucket = f"{prefix}-files"
    cors = {
        "CORSRules": [
            {"AllowedMethods": ["GET", "PUT", "POST"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"]}
        ]
    }
    lines += [
        "",
        f"awslocal s3api create-bucket --bucket {bucket} >/dev/null 2>&1 || true",
        f"awslocal s3api put-bucket-cors --bucket {bucket} --cors-configuration {_q(cors)}",
    ]
    if any(fn.kms for fn in registry.functions.values()):  # the data key that seals secrets (shared.sealed)
        lines += [
            f"awslocal kms describe-key --key-id alias/{prefix}-data >/dev/null 2>&1 || "
            f"awslocal kms create-alias --alias-name alias/{prefix}-data --target-key-id "
            '"$(awslocal kms create-key --query KeyMetadata.KeyId --output text)"',
        ]
    lines += [
        f'echo "stratus: stage {STAGE} is provisioned"',
        "",
    ]
    return "\n".join(lines)


def _dq(text: str) -> str:
    """Inside double quotes, so that $REGION/$ACCOUNT expand and the JSON survives."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def files(registry: Registry) -> dict[str, str]:
    return {HOOK: script(registry)}
