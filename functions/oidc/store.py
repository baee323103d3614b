"""The `oidc` table: authorization codes and grants (refresh-token families). Items (pk / sk: attributes):

- code — `TENANT#<t>#CODE#<sha256 of the code's secret>` / `CODE`: clientId, redirectUri, scope, userId,
  codeChallenge, codeChallengeMethod, nonce?, authTime, grantId (the grant it will open), expiresAt (TTL,
  and checked on every read), usedAt (set once, by the redemption);
- grant — `TENANT#<t>#GRANT#<grantId>` / `GRANT`: clientId, userId, scope, authTime, refreshHash (sha256 of
  the current refresh token's secret), previousHashes (every rotated one), revoked, expiresAt (TTL).

Only hashes of secrets are stored. A code is `<tenantId>.<secret>`, a refresh token
`<tenantId>.<grantId>.<secret>`: the tenant in front names the partition, so every read is one
GetItem/UpdateItem on a key, and a token moved to another tenant names nothing there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from shared import aws
from shared.config import settings
from shared.tables import tenant_key

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

TABLE = "oidc"


class ConditionFailed(Exception):
    """The write's condition did not hold (a code used already, a refresh token rotated meanwhile)."""


@dataclass(frozen=True)
class CodeRecord:
    tenant_id: str
    client_id: str
    redirect_uri: str
    scope: str
    user_id: str
    code_challenge: str
    code_challenge_method: str
    nonce: str | None
    auth_time: int
    grant_id: str
    expires_at: int
    used_at: int | None = None


@dataclass(frozen=True)
class GrantRecord:
    tenant_id: str
    grant_id: str
    client_id: str
    user_id: str
    scope: str
    auth_time: int
    refresh_hash: str
    previous_hashes: tuple[str, ...]
    revoked: bool
    expires_at: int


def secret_hash(secret: str) -> str:
    """Codes and refresh secrets are 256 random bits: a fast hash is enough (nothing to brute-force)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _table() -> str:
    return settings().table_name(TABLE)


def _ddb() -> Any:
    return aws.client("dynamodb")


def _code_key(tenant_id: str, code_hash: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": tenant_key(tenant_id, "CODE", code_hash)}, "sk": {"S": "CODE"}}


def _grant_key(tenant_id: str, grant_id: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": tenant_key(tenant_id, "GRANT", grant_id)}, "sk": {"S": "GRANT"}}


def _failed(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def _s(item: Mapping[str, Any], name: str) -> str | None:
    value = item.get(name)
    return str(value["S"]) if value and "S" in value else None


def _n(item: Mapping[str, Any], name: str) -> int | None:
    value = item.get(name)
    return int(value["N"]) if value and "N" in value else None


# --- codes -----------------------------------------------------------------------------------------------
def put_code(code_hash: str, record: CodeRecord) -> None:
    item: dict[str, AttributeValueTypeDef] = {
        **_code_key(record.tenant_id, code_hash),
        "clientId": {"S": record.client_id},
        "redirectUri": {"S": record.redirect_uri},
        "scope": {"S": record.scope},
        "userId": {"S": record.user_id},
        "codeChallenge": {"S": record.code_challenge},
        "codeChallengeMethod": {"S": record.code_challenge_method},
        "authTime": {"N": str(record.auth_time)},
        "grantId": {"S": record.grant_id},
        "expiresAt": {"N": str(record.expires_at)},
    }
    if record.nonce:
        item["nonce"] = {"S": record.nonce}
    _ddb().put_item(TableName=_table(), Item=item, ConditionExpression="attribute_not_exists(pk)")


def _code(tenant_id: str, item: Mapping[str, Any]) -> CodeRecord:
    return CodeRecord(
        tenant_id=tenant_id,
        client_id=item["clientId"]["S"],
        redirect_uri=item["redirectUri"]["S"],
        scope=item["scope"]["S"],
        user_id=item["userId"]["S"],
        code_challenge=item["codeChallenge"]["S"],
        code_challenge_method=item["codeChallengeMethod"]["S"],
        nonce=_s(item, "nonce"),
        auth_time=_n(item, "authTime") or 0,
        grant_id=item["grantId"]["S"],
        expires_at=_n(item, "expiresAt") or 0,
        used_at=_n(item, "usedAt"),
    )


def redeem_code(tenant_id: str, code_hash: str, client_id: str, now: int) -> CodeRecord:
    """Mark the code used — once, by its own client, before it expires — in one conditional UpdateItem
    (two racing redemptions: one wins). ConditionFailed otherwise; `code()` then says why."""
    try:
        result = _ddb().update_item(
            TableName=_table(),
            Key=_code_key(tenant_id, code_hash),
            UpdateExpression="SET usedAt = :now",
            ConditionExpression=(
                "attribute_exists(pk) AND attribute_not_exists(usedAt) AND clientId = :client "
                "AND expiresAt > :now"
            ),
            ExpressionAttributeValues={":now": {"N": str(now)}, ":client": {"S": client_id}},
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        if _failed(exc):
            raise ConditionFailed(code_hash) from exc
        raise
    return _code(tenant_id, result["Attributes"])


def code(tenant_id: str, code_hash: str) -> CodeRecord | None:
    found = (
        _ddb()
        .get_item(TableName=_table(), Key=_code_key(tenant_id, code_hash), ConsistentRead=True)
        .get("Item")
    )
    return _code(tenant_id, found) if found else None


# --- grants (refresh-token families) ---------------------------------------------------------------------
def create_grant(record: GrantRecord) -> None:
    """The grant a redeemed code opens; ConditionFailed if its id is taken (revoked before it existed,
    because the code was replayed)."""
    item: dict[str, AttributeValueTypeDef] = {
        **_grant_key(record.tenant_id, record.grant_id),
        "clientId": {"S": record.client_id},
        "userId": {"S": record.user_id},
        "scope": {"S": record.scope},
        "authTime": {"N": str(record.auth_time)},
        "refreshHash": {"S": record.refresh_hash},
        "previousHashes": {"L": []},
        "revoked": {"BOOL": False},
        "expiresAt": {"N": str(record.expires_at)},
    }
    try:
        _ddb().put_item(TableName=_table(), Item=item, ConditionExpression="attribute_not_exists(pk)")
    except ClientError as exc:
        if _failed(exc):
            raise ConditionFailed(record.grant_id) from exc
        raise


def grant(tenant_id: str, grant_id: str) -> GrantRecord | None:
    found = (
        _ddb()
        .get_item(TableName=_table(), Key=_grant_key(tenant_id, grant_id), ConsistentRead=True)
        .get("Item")
    )
    if not found or "clientId" not in found:
        return None
    return GrantRecord(
        tenant_id=tenant_id,
        grant_id=grant_id,
        client_id=found["clientId"]["S"],
        user_id=found["userId"]["S"],
        scope=found["scope"]["S"],
        auth_time=_n(found, "authTime") or 0,
        refresh_hash=found["refreshHash"]["S"],
        previous_hashes=tuple(h["S"] for h in found.get("previousHashes", {}).get("L", [])),
        revoked=bool(found.get("revoked", {}).get("BOOL", False)),
        expires_at=_n(found, "expiresAt") or 0,
    )


def grant_revoked(tenant_id: str, grant_id: str) -> bool:
    """True when the grant is revoked or gone (one GetItem of two attributes)."""
    found = (
        _ddb()
        .get_item(
            TableName=_table(),
            Key=_grant_key(tenant_id, grant_id),
            ConsistentRead=True,
            ProjectionExpression="revoked, clientId",
        )
        .get("Item")
    )
    return not found or "clientId" not in found or bool(found.get("revoked", {}).get("BOOL", False))


def rotate(tenant_id: str, grant_id: str, old_hash: str, new_hash: str, expires_at: int) -> None:
    """Replace the current refresh secret, on the condition that it is still `old_hash` and the grant is
    not revoked (two racing rotations: one wins, the other is a reuse)."""
    try:
        _ddb().update_item(
            TableName=_table(),
            Key=_grant_key(tenant_id, grant_id),
            UpdateExpression=(
                "SET refreshHash = :new, previousHashes = list_append(previousHashes, :old_list), "
                "expiresAt = :expires"
            ),
            ConditionExpression="refreshHash = :old AND revoked = :no",
            ExpressionAttributeValues={
                ":new": {"S": new_hash},
                ":old": {"S": old_hash},
                ":old_list": {"L": [{"S": old_hash}]},
                ":no": {"BOOL": False},
                ":expires": {"N": str(expires_at)},
            },
        )
    except ClientError as exc:
        if _failed(exc):
            raise ConditionFailed(grant_id) from exc
        raise


def revoke_grant(tenant_id: str, grant_id: str, expires_at: int) -> None:
    """Revoke the grant (every refresh token of the family, and the access tokens userinfo sees). Creates
    a revoked marker if the grant does not exist yet, so a replayed code's grant can never open."""
    _ddb().update_item(
        TableName=_table(),
        Key=_grant_key(tenant_id, grant_id),
        UpdateExpression="SET revoked = :yes, expiresAt = if_not_exists(expiresAt, :expires)",
        ExpressionAttributeValues={":yes": {"BOOL": True}, ":expires": {"N": str(expires_at)}},
    )
