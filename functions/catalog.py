"""Every service of the platform, in one list: what the local runner, the adapters and the deployment
generators read. A test checks that each `functions/<service>/manifest.py` is listed here."""

from __future__ import annotations

from functools import cache

from functions.gateway.manifest import SERVICE as gateway
from functions.monitoring.manifest import SERVICE as monitoring
from shared.declarations import Service
from shared.registry import Registry

SERVICES: tuple[Service, ...] = (gateway, monitoring)


@cache
def registry() -> Registry:
    return Registry(SERVICES)
