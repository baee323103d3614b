"""Deleting a tenant (offboarding): `DELETE /api/v1/tenants/{tenantId}` → 202, then a job made of events.

Each service owns its table, so each removes its own part; tenants (business) cannot call files
(application) or any service of its own layer, so it asks with an event rather than calls:

1. the DELETE (platform admins; never the platform tenant) moves the tenant to `deleting` — its logins
   are 404 `TENANT_NOT_FOUND` from then on and the cache refuses its sessions — and stages
   `tenant.deleting` (round 1) in the same transaction;
2. every service that owns tenant data (`PURGING_SERVICES`) purges a batch of its table (files also its
   objects) and reports `tenant.purge_progress` {complete, removedItems, cursor};
3. this subscriber records each report on the tenant (the progress a platform admin sees on
   `GET /tenants/{id}`); a service that is not done is sent a continuation (`services`, `cursors`), so a
   batch that was killed is redone from its last recorded cursor (deletes are idempotent);
4. when every service is done, a second round sweeps what arrived during the first (events of the tenant
   still in flight when it was deleted), and after it the tenant's own items go, with `tenant.deleted`.

Every event of the deletion is published in the platform tenant's name: the audit trail of a deleted
tenant is in the platform's log, and nothing is written into the tenant being removed.
"""

from __future__ import annotations

from typing import Any

from functions.cache.client import CacheClient, TenantPrincipalChange
from functions.tenants import deletion_store, store
from functions.tenants.deletion_store import DeletionState
from functions.tenants.lookup import require_valid_id
from functions.tenants.manifest import SERVICE
from functions.tenants.models import DeletionAccepted, DeletionProgress, ServicePurge
from shared import outbox
from shared.config import settings
from shared.context import require
from shared.envelopes import utc_now_iso
from shared.errors import PermissionDenied, TenantNotFound
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.observability import logger
from shared.permissions import is_platform_admin
from shared.tenant_purge import purge_table

cache = CacheClient(SERVICE)
log = logger("tenants")

# The services that own tenant data, each purging its own table on `tenant.deleting` (a unit test keeps
# this equal to the catalog's subscribers of that event).
PURGING_SERVICES = (
    "audit",
    "cache",
    "config",
    "files",
    "gateway",
    "monitoring",
    "notification",
    "oidc",
    "rbac",
    "realtime",
    "registry",
    "users",
)
ROUNDS = 2  # the first purges; the second sweeps what the tenant's in-flight events wrote meanwhile
OWN_PURGE_SECONDS = 20.0


def _event(event_type: str, data: dict[str, Any], cause: ServiceEvent | None = None) -> ServiceEvent:
    return publisher.build(
        event_type,
        data,
        tenant_id=settings().platform_tenant,
        causation_id=cause.id if cause else None,
    )


def delete(tenant_id: str) -> DeletionAccepted:
    """Platform admins only; the platform tenant is refused. Deleting a tenant that is already being
    deleted sends the current round again to the services not done yet (a stalled deletion resumes)."""
    user = require().require_user()
    if not is_platform_admin(user):
        raise PermissionDenied("Only a platform admin may delete a tenant", details={"permission": "*"})
    require_valid_id(tenant_id)
    if tenant_id == settings().platform_tenant:
        raise PermissionDenied("The platform tenant cannot be deleted")
    record = store.get(tenant_id)
    if record is None or record.status == "provisioning":
        raise TenantNotFound(details={"tenantId": tenant_id})
    if record.status == "deleting":
        state = deletion_store.get(tenant_id)
        if state is not None:
            _resume(state)
        return DeletionAccepted(tenant_id=tenant_id)
    deleting = _event("tenant.deleting", {"tenantId": tenant_id, "round": 1})
    started = deletion_store.start(
        tenant_id,
        requested_at=utc_now_iso(),
        requested_by=user.user_id,
        services=PURGING_SERVICES,
        event=deleting,
    )
    if not started:  # deleted, or changed state, meanwhile: decide on what is there now
        return delete(tenant_id)
    try:  # its sessions stop at once (the purge removes them shortly after anyway)
        cache.principals_tenant(TenantPrincipalChange(tenant_id=tenant_id, status="suspended"))
    except Exception:
        log.exception("the cache was not told of the deletion; the purge ends the sessions", tenant=tenant_id)
    outbox.release(deleting)
    return DeletionAccepted(tenant_id=tenant_id)


def _resume(state: DeletionState, cause: ServiceEvent | None = None) -> None:
    pending = sorted(n for n, s in state.services.items() if not (s.round == state.round and s.complete))
    if not pending:
        return
    cursors = {n: state.services[n].cursor or "" for n in pending}
    outbox.emit(
        _event(
            "tenant.deleting",
            {"tenantId": state.tenant_id, "round": state.round, "services": pending, "cursors": cursors},
            cause,
        )
    )


def on_progress(event: ServiceEvent) -> None:
    """A service's `tenant.purge_progress`: recorded, then continued, advanced or finished."""
    data = event.data
    tenant_id = str(data["tenantId"])
    state = deletion_store.record(
        tenant_id,
        str(data["service"]),
        int(data["round"]),
        complete=bool(data["complete"]),
        removed=int(data["removedItems"]),
        cursor=data.get("cursor") or None,
    )
    if state is None:  # a straggler or a duplicate; if the tenant is already gone, finish its remains
        if not deletion_store.exists(tenant_id):
            purge_table(store.TABLE, tenant_id, budget_seconds=OWN_PURGE_SECONDS)
        return
    if not data["complete"]:
        service = str(data["service"])
        continuation = {
            "tenantId": tenant_id,
            "round": state.round,
            "services": [service],
            "cursors": {service: str(data.get("cursor") or "")},
        }
        outbox.emit(_event("tenant.deleting", continuation, event))
        return
    if not state.round_complete():
        return
    if state.round < ROUNDS:
        following = _event("tenant.deleting", {"tenantId": tenant_id, "round": state.round + 1}, event)
        if deletion_store.advance(tenant_id, state.round, PURGING_SERVICES, following):
            outbox.release(following)
        return
    _finish(state, event)


def _finish(state: DeletionState, cause: ServiceEvent) -> None:
    deleted = _event(
        "tenant.deleted",
        {
            "tenantId": state.tenant_id,
            "requestedAt": state.requested_at,
            "deletedAt": utc_now_iso(),
            "removedItems": state.removed,
        },
        cause,
    )
    if not deletion_store.remove_tenant(state.tenant_id, state.round, deleted):
        return  # another report finished it
    purge_table(store.TABLE, state.tenant_id, budget_seconds=OWN_PURGE_SECONDS)
    outbox.release(deleted)
    log.info("tenant deleted", tenant=state.tenant_id, removed=state.removed)


def progress(tenant_id: str) -> DeletionProgress | None:
    state = deletion_store.get(tenant_id)
    if state is None:
        return None
    return DeletionProgress(
        requested_at=state.requested_at,
        round=state.round,
        services={
            name: ServicePurge(complete=s.round == state.round and s.complete, removed_items=s.removed)
            for name, s in sorted(state.services.items())
        },
    )
