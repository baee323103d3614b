"""A tenant's effective configuration of one key — platform < plan < tenant, merged as the config center
merges them (docs/config-center.md) — for a service that changes its behaviour per tenant without a deploy.

Read straight from the config center's table (a GetItem for the tenant's plan and one BatchGetItem) and
kept `STALENESS_SECONDS` in the container, like `shared.flags`; a function that uses it declares
`reads_flags=True` (read access to that table). If the table cannot be read, the caller's default holds:
configuration may change behaviour, never take a service down.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared import config_docs
from shared.errors import StratusError
from shared.observability import logger
from shared.ttl_cache import TTLCache

STALENESS_SECONDS = 5.0
MAX_ENTRIES = 1024

log = logger("kernel")
_cache: TTLCache[tuple[str, str], Any] = TTLCache(maxsize=MAX_ENTRIES, ttl=STALENESS_SECONDS)
_NOTHING = object()  # cached "no document", so an unset key costs no read either


def value(tenant_id: str, key: str, default: Any = None) -> Any:
    """The effective document of `key` for the tenant, or `default` when no scope sets it."""
    found = _cache.get((tenant_id, key))
    if found is None:
        try:
            found = _load(tenant_id, key)
        except (BotoCoreError, ClientError, StratusError, ValueError):  # ValueError: not a tenant id
            log.warning("tenant configuration not readable: the default holds", key=key, exc_info=True)
            return default
        _cache.put((tenant_id, key), found)
    return default if found is _NOTHING else found


def invalidate() -> None:
    _cache.clear()


def _load(tenant_id: str, key: str) -> Any:
    merged, _plan = config_docs.read_effective(tenant_id, key)
    return _NOTHING if merged is None else merged
