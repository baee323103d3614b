"""API keys for machine clients (API.md "Apps": API keys): created, listed and revoked by holders of
`apikey.manage`, and accepted by the authorizer instead of a bearer token (`X-API-Key`).

The key: `stk_` + 30 random base62 characters (≈178 bits) + a 6-character base62 CRC32 of them (GitHub's
token format). The prefix says what it is (secret scanners can find one in a leak); the checksum lets the
authorizer refuse a mistyped or made-up key without a read. Only `HMAC-SHA256(pepper, key)` is stored
(`shared.peppered`); the key is shown once.

Table `apikeys` (the gateway's, beside its rate limits — the authorizer reads it directly):

- key — `APIKEY#<hmac>` / `APIKEY`: keyId, tenantId, name, prefix, scopes, createdAt, createdBy,
  expiresAtIso, expiry, lastUsedAt (epoch s), expiresAt (TTL: 30 days after the key's expiry); listed on
  gsi1 `TENANT#t#APIKEYS` / `<createdAt>#<keyId>`;
- by id — `TENANT#t#APIKEY#<keyId>` / `APIKEY`: hash (the key item's), the same TTL.

A request with a key costs one consistent GetItem on the hash, one call to tenants (a suspended tenant's
keys stop at once), the rate limits (the key's own bucket, then the tenant's), and at most once a minute
per key one conditional UpdateItem of `lastUsedAt`. No session: a key is revoked by deleting its items,
which the next request's read sees.
"""

from __future__ import annotations

import calendar
import hmac
import re
import secrets
import string
import time
import zlib
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from functions.gateway import rate_limits
from functions.gateway.api_key_models import DATE_TIME_PATTERN, ApiKey, CreatedApiKey, NewApiKey
from functions.gateway.manifest import SERVICE
from functions.tenants.client import TenantsClient
from shared import aws, outbox, peppered
from shared.config import settings
from shared.context import UserContext, require
from shared.envelopes import utc_now_iso
from shared.errors import (
    InsufficientPermissions,
    InvalidRequest,
    InvalidToken,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    TenantNotFound,
)
from shared.observability import logger
from shared.permissions import allows
from shared.tables import tenant_key
from shared.tenant_header import require_credential_tenant

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

tenants = TenantsClient(SERVICE)
log = logger("gateway")

TABLE = "apikeys"
PREFIX = "stk_"
ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase
RANDOM_LENGTH, CHECK_LENGTH = 30, 6
KEY = re.compile(rf"^{PREFIX}([0-9A-Za-z]{{{RANDOM_LENGTH}}})([0-9A-Za-z]{{{CHECK_LENGTH}}})$")
HASH_KIND = "api-key"
PERMISSION = "apikey.manage"
TOUCH_EVERY_SECONDS = 60
KEEP_EXPIRED_SECONDS = 30 * 86400  # an expired key stays listed (as expired) this long
MAX_KEYS_LISTED = 500
_DATE_TIME = re.compile(DATE_TIME_PATTERN)


# --- the key's format ------------------------------------------------------------------------------------
def _base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, digit = divmod(number, 62)
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits)).rjust(width, "0")


def _checksum(random_part: str) -> str:
    return _base62(zlib.crc32(random_part.encode()), CHECK_LENGTH)


def new_key() -> str:
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return PREFIX + random_part + _checksum(random_part)


def well_formed(key: str) -> bool:
    """The prefix, the length, the alphabet and the checksum: no read for a key that fails them."""
    found = KEY.fullmatch(key)
    return found is not None and hmac.compare_digest(_checksum(found.group(1)), found.group(2))


# --- the table -------------------------------------------------------------------------------------------
def _table() -> str:
    return settings().table_name(TABLE)


def _key_item_key(digest: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": f"APIKEY#{digest}"}, "sk": {"S": "APIKEY"}}


def _pointer_key(tenant_id: str, key_id: str) -> dict[str, AttributeValueTypeDef]:
    return {"pk": {"S": tenant_key(tenant_id, "APIKEY", key_id)}, "sk": {"S": "APIKEY"}}


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _instant(value: str) -> float:
    """RFC 3339 → epoch seconds (a leap second counts as :59); 400 `INVALID_REQUEST` if it is not one."""
    found = _DATE_TIME.fullmatch(value)
    if found is None:
        raise InvalidRequest("expiresAt: must be an RFC 3339 date-time", field="expiresAt")
    date, _, clock = value.replace("t", "T").replace(" ", "T").partition("T")
    try:
        year, month, day = (int(p) for p in date.split("-"))
        hours, minutes, seconds = int(clock[0:2]), int(clock[3:5]), min(59, int(clock[6:8]))
        zone = value[-6:] if value[-1] not in "Zz" else "+00:00"
        offset = (int(zone[1:3]) * 60 + int(zone[4:6])) * (1 if zone[0] == "+" else -1)
        if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
            raise ValueError(value)
        if hours > 23 or minutes > 59 or abs(offset) >= 24 * 60:
            raise ValueError(value)
    except (ValueError, calendar.IllegalMonthError):
        raise InvalidRequest("expiresAt: not a valid date-time", field="expiresAt") from None
    return calendar.timegm((year, month, day, hours, minutes, seconds, 0, 0, 0)) - offset * 60.0


def _model(item: dict[str, Any], now: float) -> ApiKey:
    expires = item.get("expiresAtIso", {}).get("S")
    expiry = float(item["expiry"]["N"]) if "expiry" in item else None
    used = item.get("lastUsedAt", {}).get("N")
    return ApiKey(
        key_id=item["keyId"]["S"],
        name=item["name"]["S"],
        prefix=item["prefix"]["S"],
        scopes=[s["S"] for s in item["scopes"]["L"]],
        expires_at=expires,
        expired=expiry is not None and expiry <= now,
        created_at=item["createdAt"]["S"],
        created_by=item.get("createdBy", {}).get("S"),
        last_used_at=_iso(float(used)) if used else None,
    )


# --- the API ---------------------------------------------------------------------------------------------
def _manager() -> UserContext:
    user = require().require_user()
    if not allows(user.permissions, PERMISSION):
        raise PermissionDenied(f"Requires {PERMISSION}", details={"permission": PERMISSION})
    return user


def create(body: NewApiKey) -> CreatedApiKey:
    """A key of the caller's tenant whose scopes are within the caller's own permissions."""
    user = _manager()
    beyond = [scope for scope in body.scopes if not allows(user.permissions, scope)]
    if beyond:
        raise InsufficientPermissions(
            "A key cannot hold permissions its creator does not", field="scopes", details={"scopes": beyond}
        )
    expiry = _instant(body.expires_at) if body.expires_at else None
    key, key_id, created = new_key(), f"key_{secrets.token_hex(12)}", utc_now_iso()
    digest = peppered.digest(HASH_KIND, key)
    scopes = list(dict.fromkeys(body.scopes))
    item: dict[str, AttributeValueTypeDef] = {
        **_key_item_key(digest),
        "keyId": {"S": key_id},
        "tenantId": {"S": user.tenant_id},
        "name": {"S": body.name},
        "prefix": {"S": key[: len(PREFIX) + 8]},
        "scopes": {"L": [{"S": s} for s in scopes]},
        "createdAt": {"S": created},
        "createdBy": {"S": user.user_id},
        "gsi1pk": {"S": tenant_key(user.tenant_id, "APIKEYS")},
        "gsi1sk": {"S": f"{created}#{key_id}"},
    }
    pointer: dict[str, AttributeValueTypeDef] = {
        **_pointer_key(user.tenant_id, key_id),
        "hash": {"S": digest},
    }
    if expiry is not None:
        item["expiresAtIso"] = {"S": body.expires_at or ""}
        item["expiry"] = {"N": f"{expiry:.0f}"}
        ttl: AttributeValueTypeDef = {"N": f"{max(0.0, expiry) + KEEP_EXPIRED_SECONDS:.0f}"}
        item["expiresAt"], pointer["expiresAt"] = ttl, ttl
    reasons = outbox.transact(
        [
            {"Put": {"TableName": _table(), "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"TableName": _table(), "Item": pointer}},
        ],
        [],
        table=TABLE,
    )
    if reasons is not None:
        raise ServiceUnavailable(f"The API key was not stored: {reasons}")
    return CreatedApiKey(
        key_id=key_id,
        key=key,
        name=body.name,
        prefix=key[: len(PREFIX) + 8],
        scopes=scopes,
        expires_at=body.expires_at,
        created_at=created,
    )


def listed() -> list[ApiKey]:
    """The caller's tenant's keys, newest first, without their secrets."""
    user = _manager()
    now = time.time()
    found: list[ApiKey] = []
    last: dict[str, Any] | None = None
    while len(found) < MAX_KEYS_LISTED:
        request: dict[str, Any] = {
            "TableName": _table(),
            "IndexName": "gsi1",
            "KeyConditionExpression": "gsi1pk = :t",
            "ExpressionAttributeValues": {":t": {"S": tenant_key(user.tenant_id, "APIKEYS")}},
            "ScanIndexForward": False,
        }
        if last:
            request["ExclusiveStartKey"] = last
        page = aws.client("dynamodb").query(**request)
        found.extend(_model(item, now) for item in page.get("Items", []) if _live(item, now))
        last = page.get("LastEvaluatedKey")
        if not last:
            break
    return found[:MAX_KEYS_LISTED]


def _live(item: dict[str, Any], now: float) -> bool:
    ttl = item.get("expiresAt", {}).get("N")
    return ttl is None or float(ttl) > now


def revoke(key_id: str) -> None:
    """Delete the key (a tenant's other key ids, and unknown ones, are 404 alike)."""
    user = _manager()
    pointer = (
        aws.client("dynamodb")
        .get_item(TableName=_table(), Key=_pointer_key(user.tenant_id, key_id), ConsistentRead=True)
        .get("Item")
    )
    if pointer is None:
        raise NotFound(f"No API key {key_id}", details={"keyId": key_id})
    reasons = outbox.transact(
        [
            {"Delete": {"TableName": _table(), "Key": _key_item_key(pointer["hash"]["S"])}},
            {"Delete": {"TableName": _table(), "Key": _pointer_key(user.tenant_id, key_id)}},
        ],
        [],
        table=TABLE,
    )
    if reasons is not None:
        raise ServiceUnavailable(f"The API key was not revoked: {reasons}")


# --- the authorizer's side -------------------------------------------------------------------------------
def authenticate(key: str, claimed_tenant: str | None, path: str) -> UserContext:
    """The principal of a request carrying `X-API-Key`: the key's tenant, exactly its scopes, the key id as
    the actor. An unknown, malformed, expired or revoked key is 401 `INVALID_TOKEN` (alike)."""
    if not well_formed(key):
        raise InvalidToken("The API key is not valid")
    digest = peppered.digest(HASH_KIND, key)
    item = (
        aws.client("dynamodb")
        .get_item(TableName=_table(), Key=_key_item_key(digest), ConsistentRead=True)
        .get("Item")
    )
    if item is None:
        raise InvalidToken("The API key is not valid")
    now = time.time()
    if "expiry" in item and float(item["expiry"]["N"]) <= now:
        raise InvalidToken("The API key has expired")
    tenant_id, key_id = item["tenantId"]["S"], item["keyId"]["S"]
    require_credential_tenant(claimed_tenant, tenant_id, credential="API key")
    try:
        tenants.validate(tenant_id)  # suspended: 403 TENANT_SUSPENDED, as for its users
    except TenantNotFound:
        raise InvalidToken("The API key's tenant no longer exists") from None
    _touch(digest, item, now)
    rate_limits.hit_principal(tenant_id, "KEY", key_id, path)
    scopes = tuple(s["S"] for s in item["scopes"]["L"])
    return UserContext(user_id=key_id, tenant_id=tenant_id, roles=(), permissions=scopes)


def _touch(digest: str, item: dict[str, Any], now: float) -> None:
    """`lastUsedAt`, at most once a minute per key; never recreates a key revoked meanwhile."""
    used = item.get("lastUsedAt", {}).get("N")
    if used is not None and now - float(used) < TOUCH_EVERY_SECONDS:
        return
    try:
        aws.client("dynamodb").update_item(
            TableName=_table(),
            Key=_key_item_key(digest),
            UpdateExpression="SET lastUsedAt = :now",
            ConditionExpression=(
                "attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :cutoff)"
            ),
            ExpressionAttributeValues={
                ":now": {"N": f"{now:.0f}"},
                ":cutoff": {"N": f"{now - TOUCH_EVERY_SECONDS:.0f}"},
            },
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            log.warning("lastUsedAt not updated", exc_info=True)
    except BotoCoreError:
        log.warning("lastUsedAt not updated", exc_info=True)
