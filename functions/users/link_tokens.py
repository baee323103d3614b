"""The one-time tokens an emailed link carries (password reset, email verification, invitation).

Format: `<tenantId>.<id>.<secret>`, as the refresh tokens are: the tenant says which partition holds the
token's item, the id which item, and the secret proves possession. Only sha256(secret) is stored, so the
table (and every copy of it) holds nothing a link could be rebuilt from; the secret is 32 random bytes
(`secrets.token_urlsafe(32)`). A token whose tenant part is changed names an item of another partition,
which does not exist: a tenant's token never works in another tenant.

`clock` is what every expiry is decided with; tests move time by replacing it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from shared.errors import InvalidToken
from shared.identifiers import TENANT_ID_BODY

clock = time.time  # tests replace this to travel in time
_SECRET_BYTES = 32
_FORMAT = re.compile(
    r"(?P<tenant>" + TENANT_ID_BODY + r")\.(?P<id>[a-z]{1,4}_[0-9a-f]{32})\.(?P<secret>[A-Za-z0-9_-]{43})"
)
MAX_LENGTH = 160  # the longest well-formed token is well below this


@dataclass(frozen=True)
class LinkToken:
    tenant_id: str
    id: str
    secret: str

    @property
    def secret_hash(self) -> str:
        return digest(self.secret)

    def __str__(self) -> str:
        return f"{self.tenant_id}.{self.id}.{self.secret}"


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def matches(presented_hash: str, stored_hash: str) -> bool:
    return hmac.compare_digest(presented_hash, stored_hash)


def new(tenant_id: str, token_id: str) -> LinkToken:
    return LinkToken(tenant_id, token_id, secrets.token_urlsafe(_SECRET_BYTES))


def new_id(prefix: str) -> str:
    """`<prefix>_<32 hex>`: the first 12 hex digits are the creation time in ms (ids sort by age)."""
    return f"{prefix}_{int(clock() * 1000) % 16**12:012x}{secrets.token_hex(10)}"


def parse(raw: str, *, prefix: str) -> LinkToken:
    """The token's parts, or 401 INVALID_TOKEN when it is not one of ours (or not of this kind)."""
    found = _FORMAT.fullmatch(raw.strip()) if len(raw) <= MAX_LENGTH else None
    if found is None or not found["id"].startswith(f"{prefix}_"):
        raise InvalidToken("The link is not valid")
    return LinkToken(found["tenant"], found["id"], found["secret"])


def now() -> int:
    return int(clock())


def iso(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
