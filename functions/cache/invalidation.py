"""What an event invalidates: the principal state the authorizer compares with every token.

The identity services already call `principals-user`/`principals-tenant` as part of their writes; these
events are the second path (DESIGN §3: the cache service reacts to seed 000's events), so a change whose
direct call failed is still seen once the event is processed. Each event moves an epoch at most once.
"""

from __future__ import annotations

from functions.cache import ports
from shared.events.model import ServiceEvent
from shared.observability import logger

log = logger("cache")


def on_user_changed(event: ServiceEvent) -> None:
    """user.updated, rbac.role_changed: the user's cached permissions and profile are stale."""
    _bump_user(event, status=None)


def on_user_deleted(event: ServiceEvent) -> None:
    _bump_user(event, status="deleted")


def on_tenant_updated(event: ServiceEvent) -> None:
    tenant_id = event.data.get("tenantId") or event.tenant_id
    if not tenant_id:
        log.warning("tenant event without a tenant; nothing to invalidate")
        return
    ports.store().bump_principal_once(ports.store().tenant_pk(tenant_id), None, event.id)


def _bump_user(event: ServiceEvent, *, status: str | None) -> None:
    user_id = event.data.get("userId")
    if not event.tenant_id or not user_id:
        log.warning("user event without a tenant or user; nothing to invalidate")
        return
    ports.store().bump_principal_once(ports.store().user_pk(event.tenant_id, user_id), status, event.id)
