"""API keys for machine clients (API.md "Apps": API keys): created, listed and revoked by holders of
`apikey.manage`, and accepted by the authorizer instead of a bearer token (`X-API-Key`).

The key: `stk_` + 30 random base62 characters (≈178 bits) + a 6-character base62 CRC32 of them (GitHub's
token format). The prefix says what it is (secret scanners can find one in a leak); the checksum lets the
authorizer refuse a mistyped or made-up key without a read. Only `HMAC-SHA256(pepper, key)` is stored
(`shared.peppered`); the key is shown once.

The keys are stored in table `apikeys` (the gateway's, beside its rate limits — the authorizer reads it
directly) through `ports.api_keys` (functions/gateway/api_key_store.py): a key by its digest, and its id
within its tenant; kept 30 days past its expiry.

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

from functions.gateway import ports, rate_limits
from functions.gateway.api_key_models import DATE_TIME_PATTERN, ApiKey, CreatedApiKey, NewApiKey
from functions.gateway.manifest import SERVICE
from functions.gateway.ports import ApiKeyRecord
from functions.tenants.client import TenantsClient
from shared import peppered
from shared.context import UserContext, require
from shared.envelopes import utc_now_iso
from shared.errors import (
    InsufficientPermissions,
    InvalidRequest,
    InvalidToken,
    NotFound,
    PermissionDenied,
    TenantNotFound,
)
from shared.identifiers import API_KEY_ID_PREFIX
from shared.observability import logger
from shared.permissions import allows
from shared.tenant_header import require_credential_tenant

tenants = TenantsClient(SERVICE)
log = logger("gateway")

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


# --- times -------------------------------------------------------------------------------------------
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


def _model(record: ApiKeyRecord, now: float) -> ApiKey:
    return ApiKey(
        key_id=record.key_id,
        name=record.name,
        prefix=record.prefix,
        scopes=list(record.scopes),
        expires_at=record.expires_at_iso,
        expired=record.expired(now),
        created_at=record.created_at,
        created_by=record.created_by,
        last_used_at=_iso(record.last_used_at) if record.last_used_at else None,
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
    key, key_id, created = new_key(), f"{API_KEY_ID_PREFIX}{secrets.token_hex(12)}", utc_now_iso()
    digest = peppered.digest(HASH_KIND, key)
    scopes = list(dict.fromkeys(body.scopes))
    record = ApiKeyRecord(
        digest=digest,
        key_id=key_id,
        tenant_id=user.tenant_id,
        name=body.name,
        prefix=key[: len(PREFIX) + 8],
        scopes=tuple(scopes),
        created_at=created,
        created_by=user.user_id,
        expires_at_iso=body.expires_at if expiry is not None else None,
        expiry=expiry,
    )
    ports.api_keys().insert(record, keep_seconds=KEEP_EXPIRED_SECONDS)
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
    return [_model(record, now) for record in ports.api_keys().listed(user.tenant_id, MAX_KEYS_LISTED)]


def revoke(key_id: str) -> None:
    """Delete the key (a tenant's other key ids, and unknown ones, are 404 alike)."""
    user = _manager()
    digest = ports.api_keys().digest_of(user.tenant_id, key_id)
    if digest is None:
        raise NotFound(f"No API key {key_id}", details={"keyId": key_id})
    ports.api_keys().delete(user.tenant_id, key_id, digest)


# --- the authorizer's side -------------------------------------------------------------------------------
def authenticate(key: str, claimed_tenant: str | None, path: str) -> UserContext:
    """The principal of a request carrying `X-API-Key`: the key's tenant, exactly its scopes, the key id as
    the actor. An unknown, malformed, expired or revoked key is 401 `INVALID_TOKEN` (alike)."""
    if not well_formed(key):
        raise InvalidToken("The API key is not valid")
    digest = peppered.digest(HASH_KIND, key)
    record = ports.api_keys().by_hash(digest)
    if record is None:
        raise InvalidToken("The API key is not valid")
    now = time.time()
    if record.expired(now):
        raise InvalidToken("The API key has expired")
    tenant_id, key_id = record.tenant_id, record.key_id
    require_credential_tenant(claimed_tenant, tenant_id, credential="API key")
    try:
        tenants.validate(tenant_id)  # suspended: 403 TENANT_SUSPENDED, as for its users
    except TenantNotFound:
        raise InvalidToken("The API key's tenant no longer exists") from None
    _touch(record, now)
    rate_limits.hit_principal(tenant_id, "KEY", key_id, path)
    return UserContext(user_id=key_id, tenant_id=tenant_id, roles=(), permissions=record.scopes)


def _touch(record: ApiKeyRecord, now: float) -> None:
    """`lastUsedAt`, at most once a minute per key (no write when the key's read says it is recent)."""
    if record.last_used_at is not None and now - record.last_used_at < TOUCH_EVERY_SECONDS:
        return
    ports.api_keys().touch(record.digest, now, TOUCH_EVERY_SECONDS)
