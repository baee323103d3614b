"""Tenant offboarding on the gateway side: a deleted tenant's items in the gateway's tables (rate-limit
buckets, API keys) are purged."""

from __future__ import annotations

from functions.gateway.manifest import SERVICE
from shared.events.model import ServiceEvent
from shared.tenant_purge import on_deleting


def purge(event: ServiceEvent) -> None:
    on_deleting(event, service="gateway", table=tuple(t.name for t in SERVICE.tables))
