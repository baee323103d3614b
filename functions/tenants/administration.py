"""Reading and changing a tenant through the public API: who may see it, who may change what. A change
and its events (tenant.updated, tenant.plan_changed) are one transaction (shared.outbox)."""

from __future__ import annotations

from functions.tenants import deletion, ports
from functions.tenants.lookup import load, require_valid_id, to_model
from functions.tenants.models import Tenant, TenantChanges, TenantSettings
from functions.tenants.plans import quotas_for
from functions.tenants.ports import ConditionFailed, TenantRecord
from shared.context import UserContext, require
from shared.envelopes import utc_now_iso
from shared.errors import InvalidRequest, PermissionDenied, ServiceUnavailable, TenantNotFound
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.permissions import allows, is_platform_admin

# An update is a compare-and-set of what it read; a concurrent change makes it re-read this many times.
UPDATE_ATTEMPTS = 3


def _require_visible(user: UserContext, tenant_id: str) -> None:
    """Another tenant's id is 404 exactly like an unknown one: its existence is never revealed."""
    if not (is_platform_admin(user) or user.tenant_id == tenant_id):
        raise TenantNotFound(details={"tenantId": tenant_id})


def get(tenant_id: str) -> Tenant:
    user = require().require_user()
    require_valid_id(tenant_id)
    _require_visible(user, tenant_id)
    record = load(tenant_id)
    if record.status == "deleting":  # a platform admin watches the purge (functions/tenants/deletion.py)
        return to_model(record).model_copy(update={"deletion": deletion.progress(tenant_id)})
    return to_model(record)


def _require_may_change(user: UserContext, tenant_id: str, changes: TenantChanges) -> None:
    _require_visible(user, tenant_id)
    if is_platform_admin(user):
        return
    if not allows(user.permissions, "tenant.write"):
        raise PermissionDenied("Requires tenant.write", details={"permission": "tenant.write"})
    restricted = sorted({"plan", "quotas"} & changes.model_fields_set)
    if restricted:
        raise PermissionDenied(
            "Only a platform admin may change the plan or quotas",
            field=restricted[0],
            details={"fields": restricted},
        )


def update(tenant_id: str, changes: TenantChanges) -> Tenant:
    """Tenant admins rename; platform admins also change plan and quotas. A new plan brings its default
    quotas, with any quotas given in the same request on top. Publishes what actually changed."""
    user = require().require_user()
    require_valid_id(tenant_id)
    _require_may_change(user, tenant_id, changes)
    if changes.name is None and changes.plan is None and changes.quotas is None and changes.settings is None:
        raise InvalidRequest("Nothing to update: give name, plan, quotas or settings", field="body")
    overrides = changes.quotas.given() if changes.quotas else {}
    for _ in range(UPDATE_ATTEMPTS):
        current = load(tenant_id)
        if current.status == "deleting":
            raise TenantNotFound(details={"tenantId": tenant_id})
        new_plan = changes.plan if changes.plan not in (None, current.plan) else None
        target = quotas_for(new_plan, overrides) if new_plan else {**current.quotas, **overrides}
        new_quotas = {k: v for k, v in target.items() if current.quotas.get(k) != v}
        new_name = changes.name if changes.name not in (None, current.name) else None
        switched = _switched(current, changes)
        changed = (
            (["name"] if new_name else [])
            + (["plan"] if new_plan else [])
            + [f"quotas.{k}" for k in sorted(new_quotas)]
            + [f"settings.{k}" for k in sorted(switched)]
        )
        if not changed:
            return to_model(current)
        name_after = new_name or current.name
        events = _change_events(current, changed, name_after, new_plan, {**current.quotas, **new_quotas})
        try:
            updated = ports.store().change_settings(
                current,
                name=new_name,
                plan=new_plan,
                quotas=new_quotas,
                now=utc_now_iso(),
                events=events,
                switches={**current.settings, **switched} if switched else None,
            )
        except ConditionFailed:
            continue  # someone changed it meanwhile: decide again on what is there now
        ports.outbox().release(*events)
        return to_model(updated)
    raise ServiceUnavailable("The tenant kept changing during the update; try again")


def _switched(current: TenantRecord, changes: TenantChanges) -> dict[str, bool]:
    """The settings the request changes (a switch set to the value it already has, or to its default
    while never set, changes nothing)."""
    if changes.settings is None:
        return {}
    effective = {**TenantSettings().model_dump(by_alias=True), **current.settings}
    return {k: v for k, v in changes.settings.given().items() if effective.get(k) != v}


def _change_events(
    current: TenantRecord, changed: list[str], name: str, new_plan: str | None, quotas: dict[str, int]
) -> list[ServiceEvent]:
    """What the change announces, built before it from the tenant read (the write is conditioned on the
    tenant still being that, so `name` and `quotas` are what it leaves)."""
    tenant_id = current.tenant_id
    events = [
        publisher.build(
            "tenant.updated", {"tenantId": tenant_id, "changes": changed, "name": name}, tenant_id=tenant_id
        )
    ]
    if new_plan:
        events.append(
            publisher.build(
                "tenant.plan_changed",
                {"tenantId": tenant_id, "oldPlan": current.plan, "newPlan": new_plan, "quotas": quotas},
                tenant_id=tenant_id,
            )
        )
    return events
