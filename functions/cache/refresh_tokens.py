"""Refresh tokens: `<tenantId>.<userId>.<sessionId>.<secret>`. Only the sha256 of the secret is ever stored.

The token names its user so that a rotation reads the session and both principals (the user's, the
tenant's) in one BatchGetItem; a token whose user is not the session's is refused like any other forgery.
The secret is chosen by the caller of the create or the rotation (`NewSession.opening`,
`RefreshRequest.rotating` in models), so that a repeat of the same request — its first answer lost —
finds its own hash and is answered again, not refused.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass

from functions.cache.models import SECRET_PATTERN, SESSION_ID_PATTERN, USER_ID_PATTERN
from shared.errors import InvalidToken
from shared.identifiers import TENANT_ID_PATTERN

_TENANT_ID = re.compile(TENANT_ID_PATTERN)
_USER_ID = re.compile(USER_ID_PATTERN)
_SESSION_ID = re.compile(SESSION_ID_PATTERN)
_SECRET = re.compile(SECRET_PATTERN)


@dataclass(frozen=True)
class RefreshToken:
    tenant_id: str
    user_id: str
    session_id: str
    secret: str

    def __str__(self) -> str:
        return f"{self.tenant_id}.{self.user_id}.{self.session_id}.{self.secret}"

    @property
    def secret_hash(self) -> str:
        return hash_secret(self.secret)


def parse(raw: str) -> RefreshToken:
    """The token's parts, or `InvalidToken` for anything that is not exactly a refresh token."""
    parts = raw.split(".")
    if (
        len(parts) != 4
        or not _TENANT_ID.fullmatch(parts[0])
        or not _USER_ID.fullmatch(parts[1])
        or not _SESSION_ID.fullmatch(parts[2])
        or not _SECRET.fullmatch(parts[3])
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
