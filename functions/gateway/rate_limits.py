"""Seed 001's rate limits, per tenant (protected routes) or per client address (public auth routes):
a fixed window counter per key, one atomic UpdateItem per request, expired by TTL.

Defaults: auth routes 100 per 15 min, file routes 50 per minute, other tenant routes 1,000 per 15 min.
`STRATUS_RATE_LIMITS` (JSON, e.g. `{"auth": [100000, 900]}`) changes them per stage, for load tests."""

from __future__ import annotations

import json
import os
import time
from functools import cache
from typing import NamedTuple

from shared import aws
from shared.config import settings
from shared.errors import RateLimited
from shared.tables import tenant_key


class Limit(NamedTuple):
    requests: int
    window_seconds: int


DEFAULTS = {"auth": Limit(100, 900), "files": Limit(50, 60), "tenant": Limit(1000, 900)}


@cache
def limits() -> dict[str, Limit]:
    configured = json.loads(os.environ.get("STRATUS_RATE_LIMITS") or "{}")
    unknown = sorted(set(configured) - set(DEFAULTS))
    if unknown:  # a typo would otherwise leave the default limit in force, silently
        raise ValueError(f"STRATUS_RATE_LIMITS: unknown route classes {unknown} (known: {sorted(DEFAULTS)})")
    return DEFAULTS | {name: Limit(int(v[0]), int(v[1])) for name, v in configured.items()}


def route_class(path: str) -> str:
    if path.startswith("/api/v1/auth/"):
        return "auth"
    if path.startswith("/api/v1/files"):
        return "files"
    return "tenant"


def _hit(key: str, limit: Limit) -> None:
    now = int(time.time())
    window = now - now % limit.window_seconds
    window_end = window + limit.window_seconds
    result = aws.client("dynamodb").update_item(
        TableName=settings().table_name("ratelimits"),
        Key={"pk": {"S": f"{key}#{window}"}, "sk": {"S": "COUNT"}},
        UpdateExpression="ADD hits :one SET expiresAt = :expires",
        ExpressionAttributeValues={":one": {"N": "1"}, ":expires": {"N": str(window_end + 60)}},
        ReturnValues="UPDATED_NEW",
    )
    hits = int(result["Attributes"]["hits"]["N"])
    if hits > limit.requests:
        raise RateLimited(
            f"More than {limit.requests} requests in {limit.window_seconds} s",
            headers={"Retry-After": str(max(1, window_end - now))},
            details={"limit": limit.requests, "windowSeconds": limit.window_seconds},
        )


def hit_tenant(tenant_id: str, path: str) -> None:
    name = route_class(path)
    _hit(tenant_key(tenant_id, "RL", name), limits()[name])


def hit_client(address: str, path: str) -> None:
    name = route_class(path)
    _hit(f"CLIENT#{address}#RL#{name}", limits()[name])
