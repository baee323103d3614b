"""MFA items of the `users` table, in the tenant's users partition `TENANT#<t>#USERS`:

- factor `MFA#<userId>`: status `pending`/`active`, pendingSecret / secret (sealed: shared.sealed),
  lastStep (the last TOTP time-step accepted), recovery (a string set of the sha256 of the unused recovery
  codes), enabledAt.
- challenge `MFACHALLENGE#<id>`: userId, secretHash (sha256 of the token's secret), purpose
  `login`/`enroll`, expiresAt (TTL, 5 minutes).

Every single-use rule is a condition DynamoDB evaluates: a time-step is accepted only above `lastStep`, a
recovery code only while the set contains it, a challenge only while it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from functions.users.store import partition
from shared import aws, outbox
from shared.config import settings
from shared.events.model import ServiceEvent

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

TABLE = "users"


@dataclass(frozen=True)
class Factor:
    user_id: str
    status: str  # pending / active
    secret: str | None  # sealed
    pending_secret: str | None  # sealed
    last_step: int
    recovery: frozenset[str]


@dataclass(frozen=True)
class Challenge:
    challenge_id: str
    user_id: str
    secret_hash: str
    purpose: str
    expires_at: int


def _table() -> str:
    return settings().table_name(TABLE)


def _key(tenant_id: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": partition(tenant_id)}, "sk": {"S": sk}}


def factor_sk(user_id: str) -> str:
    return f"MFA#{user_id}"


def challenge_sk(challenge_id: str) -> str:
    return f"MFACHALLENGE#{challenge_id}"


def _failed_condition(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


# --- the factor ----------------------------------------------------------------------------------------
def get_factor(tenant_id: str, user_id: str) -> Factor | None:
    item = (
        aws.client("dynamodb")
        .get_item(TableName=_table(), Key=_key(tenant_id, factor_sk(user_id)), ConsistentRead=True)
        .get("Item")
    )
    if item is None:
        return None
    return Factor(
        user_id=user_id,
        status=item["status"]["S"],
        secret=item.get("secret", {}).get("S"),
        pending_secret=item.get("pendingSecret", {}).get("S"),
        last_step=int(item.get("lastStep", {}).get("N", "0")),
        recovery=frozenset(item.get("recovery", {}).get("SS", [])),
    )


def put_pending(tenant_id: str, user_id: str, sealed_secret: str, *, now: str) -> bool:
    """Start (or restart) an enrolment; False when MFA is already active (disable it first)."""
    try:
        aws.client("dynamodb").put_item(
            TableName=_table(),
            Item={
                **_key(tenant_id, factor_sk(user_id)),
                "status": {"S": "pending"},
                "pendingSecret": {"S": sealed_secret},
                "createdAt": {"S": now},
            },
            ConditionExpression="attribute_not_exists(pk) OR #status = :pending",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":pending": {"S": "pending"}},
        )
    except ClientError as exc:
        if _failed_condition(exc):
            return False
        raise
    return True


def activate(
    tenant_id: str,
    user_id: str,
    *,
    pending_secret: str,
    step: int,
    recovery_hashes: list[str],
    now: str,
    event: ServiceEvent,
) -> bool:
    """pending → active with the secret that was checked, its first accepted step and the recovery codes,
    committed with `user.mfa_enabled`. False when the enrolment changed meanwhile."""
    update: Any = {
        "TableName": _table(),
        "Key": _key(tenant_id, factor_sk(user_id)),
        "UpdateExpression": "SET #status = :active, secret = :secret, lastStep = :step, recovery = :codes, "
        "enabledAt = :now REMOVE pendingSecret",
        "ConditionExpression": "#status = :pending AND pendingSecret = :secret",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {
            ":active": {"S": "active"},
            ":pending": {"S": "pending"},
            ":secret": {"S": pending_secret},
            ":step": {"N": str(step)},
            ":codes": {"SS": recovery_hashes},
            ":now": {"S": now},
        },
    }
    return outbox.transact([{"Update": update}], [event], table=TABLE) is None


def remove_factor(tenant_id: str, user_id: str, *, event: ServiceEvent | None = None) -> bool:
    """Delete the factor (MFA off), committed with `user.mfa_disabled` when given. False if it was gone."""
    delete: Any = {
        "TableName": _table(),
        "Key": _key(tenant_id, factor_sk(user_id)),
        "ConditionExpression": "attribute_exists(pk)",
    }
    items: list[TransactWriteItemTypeDef] = [{"Delete": delete}]
    return outbox.transact(items, [event] if event else [], table=TABLE) is None


def forget(tenant_id: str, user_id: str) -> None:
    """The user is deleted: its factor goes too (idempotent)."""
    aws.client("dynamodb").delete_item(TableName=_table(), Key=_key(tenant_id, factor_sk(user_id)))


def accept_step(tenant_id: str, user_id: str, step: int) -> bool:
    """Accept a TOTP time-step once: only if it is later than every step accepted before (a replayed code,
    or an older one, is refused)."""
    try:
        aws.client("dynamodb").update_item(
            TableName=_table(),
            Key=_key(tenant_id, factor_sk(user_id)),
            UpdateExpression="SET lastStep = :step",
            ConditionExpression="#status = :active AND lastStep < :step",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":step": {"N": str(step)}, ":active": {"S": "active"}},
        )
    except ClientError as exc:
        if _failed_condition(exc):
            return False
        raise
    return True


def use_recovery_code(tenant_id: str, user_id: str, code_hash: str) -> bool:
    """Take one recovery code out of the set, only while it is in it (each works once)."""
    try:
        aws.client("dynamodb").update_item(
            TableName=_table(),
            Key=_key(tenant_id, factor_sk(user_id)),
            UpdateExpression="DELETE recovery :code",
            ConditionExpression="#status = :active AND contains(recovery, :hash)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":code": {"SS": [code_hash]},
                ":hash": {"S": code_hash},
                ":active": {"S": "active"},
            },
        )
    except ClientError as exc:
        if _failed_condition(exc):
            return False
        raise
    return True


# --- challenges (the mfaToken of a login that passed its password) --------------------------------------
def put_challenge(tenant_id: str, challenge: Challenge) -> None:
    aws.client("dynamodb").put_item(
        TableName=_table(),
        Item={
            **_key(tenant_id, challenge_sk(challenge.challenge_id)),
            "userId": {"S": challenge.user_id},
            "secretHash": {"S": challenge.secret_hash},
            "purpose": {"S": challenge.purpose},
            "expiresAt": {"N": str(challenge.expires_at)},
        },
        ConditionExpression="attribute_not_exists(pk)",
    )


def get_challenge(tenant_id: str, challenge_id: str, *, now: float) -> Challenge | None:
    """The challenge, unless absent or expired (DynamoDB's TTL deletes late: reads must not trust it)."""
    item = (
        aws.client("dynamodb")
        .get_item(TableName=_table(), Key=_key(tenant_id, challenge_sk(challenge_id)), ConsistentRead=True)
        .get("Item")
    )
    if item is None or int(item["expiresAt"]["N"]) <= now:
        return None
    return Challenge(
        challenge_id=challenge_id,
        user_id=item["userId"]["S"],
        secret_hash=item["secretHash"]["S"],
        purpose=item["purpose"]["S"],
        expires_at=int(item["expiresAt"]["N"]),
    )


def consume_challenge(tenant_id: str, challenge: Challenge, *, now: float) -> bool:
    """Delete the challenge if it is still there and unexpired: of two uses, one wins."""
    try:
        aws.client("dynamodb").delete_item(
            TableName=_table(),
            Key=_key(tenant_id, challenge_sk(challenge.challenge_id)),
            ConditionExpression="secretHash = :hash AND expiresAt > :now",
            ExpressionAttributeValues={
                ":hash": {"S": challenge.secret_hash},
                ":now": {"N": str(int(now))},
            },
        )
    except ClientError as exc:
        if _failed_condition(exc):
            return False
        raise
    return True
