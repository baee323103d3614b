"""Stored secrets, peppered: what the platform keeps of a secret it hands out once (an API key, an app's
registration token or client secret) is `HMAC-SHA256(pepper, kind:secret)`, never the secret.

The secrets are long and random (≥ 160 bits), so a fast keyed hash is enough — a slow password hash would
only add cost to every request that presents one — and the pepper (per stage, kept outside the tables)
means a copy of a table alone cannot even test a guess. `kind` separates the uses: an API key's digest can
never match a registration token's.

`derive` makes secrets the platform must be able to recover (webhook signing secrets): a keyed derivation
from the pepper and a per-item salt, so nothing secret is stored at all and rotating one is a new salt.
"""

from __future__ import annotations

import hashlib
import hmac

from shared.config import settings


def _pepper() -> bytes:
    cfg = settings()
    if cfg.secret_pepper:
        return cfg.secret_pepper.encode()
    if not cfg.service_token_secret:
        raise RuntimeError("no pepper: set STRATUS_SECRET_PEPPER (or STRATUS_SERVICE_TOKEN_SECRET)")
    # Domain-separated from the service-token secret: knowing one pepper output reveals nothing of it.
    return hmac.new(cfg.service_token_secret.encode(), b"stratus-secret-pepper", hashlib.sha256).digest()


def digest(kind: str, secret: str) -> str:
    """The stored form of `secret` (hex)."""
    return hmac.new(_pepper(), f"{kind}:{secret}".encode(), hashlib.sha256).hexdigest()


def matches(kind: str, secret: str, stored: str) -> bool:
    """Constant-time comparison of a presented secret with its stored digest."""
    return hmac.compare_digest(digest(kind, secret), stored)


def derive(label: str) -> bytes:
    """32 bytes only the platform can compute, for `label` (e.g. `webhook:<serviceId>:<salt>`)."""
    return hmac.new(_pepper(), f"derive:{label}".encode(), hashlib.sha256).digest()
