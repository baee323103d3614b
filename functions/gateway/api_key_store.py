"""The `apikeys` table, the DynamoDB side of `ports.ApiKeysStore` (every read and write through the
pynamodb models below, `shared.transactions` where two items change together):

- key — `APIKEY#<hmac>` / `APIKEY`: keyId, tenantId, name, prefix, scopes, createdAt, createdBy,
  expiresAtIso, expiry, lastUsedAt (epoch s), expiresAt (TTL: a while after the key's expiry); listed on
  gsi1 `TENANT#t#APIKEYS` / `<createdAt>#<keyId>`;
- by id — `TENANT#t#APIKEY#<keyId>` / `APIKEY`: hash (the key item's), the same TTL.
"""

from __future__ import annotations

import time
from typing import cast

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PynamoDBException

from functions.gateway.ports import ApiKeyRecord
from shared.errors import ServiceUnavailable
from shared.observability import logger
from shared.tables import Gsi1, Item, table_meta, tenant_key
from shared.transactions import Transaction, conditionally

TABLE = "apikeys"
SORT_KEY = "APIKEY"
log = logger("gateway")


class KeyItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    key_id = UnicodeAttribute(attr_name="keyId")
    tenant_id = UnicodeAttribute(attr_name="tenantId")
    name = UnicodeAttribute()
    prefix = UnicodeAttribute()
    scopes = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UnicodeAttribute(attr_name="createdAt")
    created_by = UnicodeAttribute(null=True, attr_name="createdBy")
    expires_at_iso = UnicodeAttribute(null=True, attr_name="expiresAtIso")
    expiry = NumberAttribute(null=True)
    last_used_at = NumberAttribute(null=True, attr_name="lastUsedAt")
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = Gsi1()

    def record(self) -> ApiKeyRecord:
        return ApiKeyRecord(
            digest=self.pk.removeprefix("APIKEY#"),
            key_id=self.key_id,
            tenant_id=self.tenant_id,
            name=self.name,
            prefix=self.prefix,
            scopes=tuple(str(s) for s in self.scopes or []),
            created_at=self.created_at,
            created_by=self.created_by,
            expires_at_iso=self.expires_at_iso,
            expiry=None if self.expiry is None else float(self.expiry),
            last_used_at=None if self.last_used_at is None else float(self.last_used_at),
        )


class PointerItem(Item):
    """The key's id within its tenant, pointing at the key item's digest."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]

    hash = UnicodeAttribute()


def _key(digest: str) -> KeyItem:
    return KeyItem(f"APIKEY#{digest}", SORT_KEY)


def _pointer(tenant_id: str, key_id: str) -> PointerItem:
    return PointerItem(tenant_key(tenant_id, "APIKEY", key_id), SORT_KEY)


def insert(record: ApiKeyRecord, *, keep_seconds: int) -> None:
    """The key and its pointer, together (a digest taken already is a bug, not a retry: 503)."""
    ttl = None if record.expiry is None else round(max(0.0, record.expiry) + keep_seconds)
    item = KeyItem(
        f"APIKEY#{record.digest}",
        SORT_KEY,
        key_id=record.key_id,
        tenant_id=record.tenant_id,
        name=record.name,
        prefix=record.prefix,
        scopes=list(record.scopes),
        created_at=record.created_at,
        created_by=record.created_by,
        expires_at_iso=record.expires_at_iso,
        expiry=None if record.expiry is None else round(record.expiry),
        gsi1pk=tenant_key(record.tenant_id, "APIKEYS"),
        gsi1sk=f"{record.created_at}#{record.key_id}",
        expires_at=ttl,
    )
    pointer = _pointer(record.tenant_id, record.key_id)
    pointer.hash = record.digest
    pointer.expires_at = ttl
    txn = Transaction(table=TABLE)
    txn.put(item, condition=KeyItem.pk.does_not_exist())
    txn.put(pointer)
    cancelled = txn.commit()
    if cancelled is not None:
        raise ServiceUnavailable(f"The API key was not stored: {cancelled.reasons}")


def by_hash(digest: str) -> ApiKeyRecord | None:
    """One consistent GetItem (the authorizer's read)."""
    found = KeyItem.get_live(f"APIKEY#{digest}", SORT_KEY)
    return found.record() if found else None


def listed(tenant_id: str, limit: int) -> list[ApiKeyRecord]:
    """The tenant's keys, newest first (gsi1, paged through by pynamodb up to `limit`)."""
    now = time.time()
    found = KeyItem.gsi1.query(tenant_key(tenant_id, "APIKEYS"), scan_index_forward=False)
    keys: list[ApiKeyRecord] = []
    for item in found:
        key = cast(KeyItem, item)  # gsi1 answers the model it is declared on
        if not key.is_expired(now):
            keys.append(key.record())
        if len(keys) >= limit:
            break
    return keys


def digest_of(tenant_id: str, key_id: str) -> str | None:
    found = PointerItem.get_live(tenant_key(tenant_id, "APIKEY", key_id), SORT_KEY)
    return found.hash if found else None


def delete(tenant_id: str, key_id: str, digest: str) -> None:
    txn = Transaction(table=TABLE)
    txn.delete(_key(digest))
    txn.delete(_pointer(tenant_id, key_id))
    cancelled = txn.commit()
    if cancelled is not None:
        raise ServiceUnavailable(f"The API key was not revoked: {cancelled.reasons}")


def touch(digest: str, now: float, every_seconds: int) -> None:
    """`lastUsedAt`, at most once every `every_seconds` per key; never recreates a key revoked meanwhile."""
    due = KeyItem.last_used_at.does_not_exist() | (KeyItem.last_used_at < round(now - every_seconds))
    item = _key(digest)
    try:
        conditionally(
            lambda: item.update(
                actions=[KeyItem.last_used_at.set(round(now))], condition=KeyItem.pk.exists() & due
            )
        )
    except PynamoDBException:
        log.warning("lastUsedAt not updated", exc_info=True)
