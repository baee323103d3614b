"""The tenant of a request that carries no credential (an app's public endpoint), seed 001's way: the
`X-Tenant-ID` header, else the first label of the host (`acme.example.com` → `acme`).

Two steps, one module:
- `claimed(headers)` reads the name (400 `INVALID_REQUEST` when there is none, or it is not a tenant id);
- `resolve(headers, tenants)` also makes sure the tenant exists and is usable, through the caller's tenants
  client (404 `TENANT_NOT_FOUND`, 403 `TENANT_SUSPENDED`), cached for a short while per container.

In-repo apps get `resolve` through `shared.app_access` (`AppHttpApp` calls it on every PUBLIC route). The
registry's proxy for external apps uses `claimed` alone: it sits below the tenants service, so an unknown
tenant there is simply one that enabled nothing (403 `FORBIDDEN`).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Protocol

from shared.context import Headers
from shared.errors import InvalidRequest, StratusError
from shared.identifiers import TENANT_ID_PATTERN
from shared.ttl_cache import TTLCache

# Whether a tenant exists changes rarely (a deletion, a suspension): a few seconds stale is fine, and an
# unknown name asked over and over costs one lookup per window, not one per request.
VALIDITY_TTL_SECONDS = 10.0


class TenantValidator(Protocol):
    """What `resolve` needs of the tenants client: `TenantsClient.validate` (raises TenantNotFound /
    TenantSuspended)."""

    def validate(self, tenant_id: str) -> object: ...


_validity: TTLCache[str, StratusError | bool] = TTLCache(maxsize=4096, ttl=VALIDITY_TTL_SECONDS)


def claimed(headers: Mapping[str, str]) -> str:
    """The tenant the request names: `X-Tenant-ID`, else the host's first label (never an IP address nor a
    single-label host such as `localhost`). `headers` are lower-cased."""
    tenant = headers.get(Headers.TENANT_ID)
    if not tenant:
        host = (headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
        try:
            ipaddress.ip_address(host)
        except ValueError:
            tenant = host.split(".", 1)[0] if "." in host else None
    if not tenant or not re.fullmatch(TENANT_ID_PATTERN, tenant):
        raise InvalidRequest(
            "The tenant is unknown: send X-Tenant-ID (or use the tenant's host name)", field="X-Tenant-ID"
        )
    return tenant


def resolve(headers: Mapping[str, str], tenants: TenantValidator) -> str:
    """The claimed tenant, once it is known to exist and be usable (404 `TENANT_NOT_FOUND`, 403
    `TENANT_SUSPENDED`: the tenants service's own answers, remembered for `VALIDITY_TTL_SECONDS`)."""
    tenant = claimed(headers)
    known = _validity.get(tenant)
    if known is None:
        try:
            tenants.validate(tenant)
            known = True
        except StratusError as exc:
            if exc.status >= 500:  # the tenants service failing is not an answer about the tenant
                raise
            known = exc
        _validity.put(tenant, known)
    if isinstance(known, StratusError):
        raise type(known)(known.message, details=known.details)
    return tenant


def forget() -> None:
    """Drop what this container remembers (tests; a tenant just created or deleted in-process)."""
    _validity.clear()
