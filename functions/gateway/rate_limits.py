"""Seed 001's rate limits, fair within a tenant: a fixed-window counter per key, one atomic UpdateItem per
bucket, expired by TTL.

A protected request counts against two buckets of its route class, the caller's own first:
- the principal's (the user; later an API key) — so one member cannot spend the whole tenant's allowance;
- the tenant's (ten times a principal's by default) — so a tenant cannot outspend its plan by adding users.
A request refused by the principal's bucket is not counted in the tenant's: a noisy member hits its own
ceiling and costs its colleagues nothing. Public auth routes have one bucket per client address.

Defaults (requests per window): auth 100 per 15 min per address; files 50 per minute per principal and
500 per tenant; other tenant routes 1,000 per 15 min per principal and 10,000 per tenant; an app's
routes (`/api/v1/apps/{name}/...`) the same, in buckets of their own per app.
`STRATUS_RATE_LIMITS` (JSON, `{"class": [requests, windowSeconds]}` or `[requests, windowSeconds,
tenantRequests]`) changes them per stage, e.g. for load tests."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from functools import cache
from typing import NamedTuple

from functions.gateway import ports
from shared.errors import RateLimited
from shared.tables import tenant_key

TENANT_SHARE = 10  # a tenant's bucket holds this many principals' worth of requests by default


class Limit(NamedTuple):
    requests: int
    window_seconds: int
    tenant_requests: int


DEFAULTS = {
    "auth": Limit(100, 900, 100 * TENANT_SHARE),
    "files": Limit(50, 60, 50 * TENANT_SHARE),
    "tenant": Limit(1000, 900, 1000 * TENANT_SHARE),
    # Mail to one address (forgot-password, resend-verification): 5 an hour, whoever asks, so that the
    # routes cannot flood an inbox, nor be timed over many tries about one address.
    "email": Limit(5, 3600, 5 * TENANT_SHARE),
    # `/api/v1/apps/{name}/...`: buckets per app, so one app's traffic never spends another's allowance
    "apps": Limit(1000, 900, 1000 * TENANT_SHARE),
}
_APP_PATH = re.compile(r"^/api/v1/apps/([a-z][a-z0-9-]{1,39})(/|$)")


@cache
def limits() -> dict[str, Limit]:
    configured = json.loads(os.environ.get("STRATUS_RATE_LIMITS") or "{}")
    unknown = sorted(set(configured) - set(DEFAULTS))
    if unknown:  # a typo would otherwise leave the default limit in force, silently
        raise ValueError(f"STRATUS_RATE_LIMITS: unknown route classes {unknown} (known: {sorted(DEFAULTS)})")
    return DEFAULTS | {name: _limit(name, value) for name, value in configured.items()}


def _limit(name: str, value: list[int]) -> Limit:
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise ValueError(
            f"STRATUS_RATE_LIMITS[{name!r}]: expected [requests, windowSeconds, tenantRequests?]"
        )
    requests, window = int(value[0]), int(value[1])
    tenant_requests = int(value[2]) if len(value) == 3 else requests * TENANT_SHARE
    return Limit(requests, window, tenant_requests)


def route_class(path: str) -> str:
    if path.startswith("/api/v1/auth/"):
        return "auth"
    if path.startswith("/api/v1/files"):
        return "files"
    if path.startswith("/api/v1/apps/"):
        return "apps"
    return "tenant"


def _bucket(path: str) -> tuple[str, tuple[str, ...]]:
    """The route class and its key parts: an app's requests count in buckets of that app."""
    name = route_class(path)
    if name == "apps":
        found = _APP_PATH.match(path)
        return name, (name, found.group(1) if found else "-")
    return name, (name,)


def _hit(key: str, allowed: int, window_seconds: int, whose: str) -> None:
    now = int(time.time())
    window = now - now % window_seconds
    window_end = window + window_seconds
    hits = ports.counters().hit(key, window, window_end + 60)  # one UpdateItem (rate_limit_store)
    if hits > allowed:
        raise refusal(whose, allowed, window_seconds, max(1, window_end - now))


class Bucket(NamedTuple):
    """A bucket as cache's session check counts it (functions/cache/admission.py): its key parts under the
    tenant, its limit and window, and whose it is."""

    parts: tuple[str, ...]
    limit: int
    window_seconds: int
    scope: str  # "caller" | "tenant"


def principal_buckets(kind: str, principal_id: str, path: str) -> tuple[Bucket, Bucket]:
    """The two buckets of a protected request, the caller's own first (the keys of `hit_principal`)."""
    name, parts = _bucket(path)
    limit = limits()[name]
    return (
        Bucket((*parts, kind, principal_id), limit.requests, limit.window_seconds, "caller"),
        Bucket(parts, limit.tenant_requests, limit.window_seconds, "tenant"),
    )


def refusal(whose: str, allowed: int, window_seconds: int, retry_after: int) -> RateLimited:
    """The 429 of a full bucket (the same error whichever service counted it)."""
    return RateLimited(
        f"More than {allowed} requests in {window_seconds} s for this {whose}",
        headers={"Retry-After": str(retry_after)},
        details={
            "limit": allowed,
            "windowSeconds": window_seconds,
            "scope": whose,
            "retryAfter": retry_after,
        },
    )


def hit_principal(tenant_id: str, kind: str, principal_id: str, path: str) -> None:
    """Count a protected request by `kind` (`USER`, `KEY`) `principal_id`: the principal's bucket, then
    (if that allowed it) the tenant's."""
    name, parts = _bucket(path)
    limit = limits()[name]
    own = tenant_key(tenant_id, "RL", *parts, kind, principal_id)
    _hit(own, limit.requests, limit.window_seconds, "caller")
    _hit(tenant_key(tenant_id, "RL", *parts), limit.tenant_requests, limit.window_seconds, "tenant")


def hit_email(tenant_id: str, email: str) -> None:
    """Count one more email asked for `email` in the tenant (its own bucket, keyed on a digest: the
    rate-limit table holds no addresses)."""
    limit = limits()["email"]
    digest = hashlib.sha256(f"{tenant_id}\n{email}".encode()).hexdigest()[:32]
    _hit(f"EMAIL#{digest}#RL#email", limit.requests, limit.window_seconds, "email address")


def hit_client(address: str, path: str) -> None:
    name = route_class(path)
    limit = limits()[name]
    _hit(f"CLIENT#{address}#RL#{name}", limit.requests, limit.window_seconds, "client address")
