"""Refresh tokens: `<tenantId>.<sessionId>.<secret>`. Only the sha256 of the secret is ever stored."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from shared.errors import InvalidToken
from shared.identifiers import TENANT_ID_PATTERN

_TENANT_ID = re.compile(TENANT_ID_PATTERN)
_SESSION_ID = re.compile(r"s_[0-9a-f]{32}")
# secrets.token_urlsafe(32) is 43 characters of the URL-safe alphabet (no '.').
_SECRET = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class RefreshToken:
    tenant_id: str
    session_id: str
    secret: str

    def __str__(self) -> str:
        return f"{self.tenant_id}.{self.session_id}.{self.secret}"

    @property
    def secret_hash(self) -> str:
        return hash_secret(self.secret)


def new_token(tenant_id: str, session_id: str) -> RefreshToken:
    return RefreshToken(tenant_id, session_id, secrets.token_urlsafe(32))


def parse(raw: str) -> RefreshToken:
    """The token's parts, or `InvalidToken` for anything that is not exactly a refresh token."""
    parts = raw.split(".")
    if (
        len(parts) != 3
        or not _TENANT_ID.fullmatch(parts[0])
        or not _SESSION_ID.fullmatch(parts[1])
        or not _SECRET.fullmatch(parts[2])
    ):
        raise InvalidToken("The refresh token is malformed")
    return RefreshToken(*parts)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(presented_hash: str, stored_hash: str) -> bool:
    """Constant time, so response timing never tells how much of a hash was right."""
    return hmac.compare_digest(presented_hash, stored_hash)


def matches_any(presented_hash: str, stored: Iterable[str]) -> bool:
    # Every candidate is compared (no early exit): the time does not say which one matched.
    return any([matches(presented_hash, h) for h in stored])
