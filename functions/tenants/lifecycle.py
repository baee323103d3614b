"""A tenant's life: created (provisioning) → activated or discarded → validated on every login →
suspended by a platform admin.

Each status change and its event are one transaction (shared.outbox): the event is built from the tenant
as read, and the change is conditioned on the tenant still being that way."""

from __future__ import annotations

import re
import secrets
import unicodedata

from functions.cache.client import CacheClient, TenantPrincipalChange
from functions.tenants import ports
from functions.tenants.lookup import load, require_usable, require_valid_id, to_model
from functions.tenants.manifest import SERVICE
from functions.tenants.models import Activation, Discarded, NewTenant, Tenant, TenantSettings, Validation
from functions.tenants.plans import quotas_for
from functions.tenants.ports import ConditionFailed, TenantRecord
from shared.config import settings
from shared.context import require
from shared.envelopes import utc_now_iso
from shared.errors import (
    Conflict,
    PermissionDenied,
    ServiceUnavailable,
    TenantAlreadyExists,
    TenantNotFound,
    TenantSuspended,
)
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.observability import logger
from shared.permissions import is_platform_admin

cache = CacheClient(SERVICE)
log = logger("tenants")

# A generated id is `<slug>-<6 hex>`; a clash is retried with a fresh suffix a few times.
GENERATED_ID_ATTEMPTS = 3
# A status change is conditioned on the tenant read; a concurrent change makes it read again this often.
CHANGE_ATTEMPTS = 3
_SLUG_MAX = 63 - len("-abcdef")
SUSPENSION_REASON = "suspended_by_platform_admin"


def generated_id(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:_SLUG_MAX].strip("-") or "tenant"
    return f"{slug}-{secrets.token_hex(3)}"


def create(body: NewTenant) -> Tenant:
    """Put the tenant only if its id is free (the table decides); a given id that is taken is 409."""
    now = utc_now_iso()
    quotas = quotas_for(body.plan, body.quotas.given() if body.quotas else None)
    attempts = 1 if body.tenant_id else GENERATED_ID_ATTEMPTS
    tenant_id = ""
    for _ in range(attempts):
        tenant_id = body.tenant_id or generated_id(body.name)
        record = TenantRecord(
            tenant_id=tenant_id,
            name=body.name,
            plan=body.plan,
            status="provisioning",
            quotas=quotas,
            usage={"storageBytes": 0, "users": 0},
            created_at=now,
            updated_at=now,
        )
        try:
            ports.store().put_new(record)
        except ConditionFailed:
            continue
        return to_model(record)
    raise TenantAlreadyExists(field="tenantId", details={"tenantId": tenant_id})


def activate(tenant_id: str, body: Activation) -> Tenant:
    """provisioning → active, committed with tenant.created. Activating an active tenant again answers the
    same and publishes nothing: its event was committed with the activation (the outbox delivers it even
    if the bus refused it then), so a retry after a lost answer never announces the tenant twice."""
    require_valid_id(tenant_id)
    for _ in range(CHANGE_ATTEMPTS):
        record = load(tenant_id)
        if record.status == "active":
            return to_model(record)
        if record.status == "suspended":
            raise TenantSuspended("A suspended tenant cannot be activated")
        created = publisher.build(
            "tenant.created",
            {
                "tenantId": record.tenant_id,
                "name": record.name,
                "plan": record.plan,
                "adminUserId": body.admin_user_id,
                "adminEmail": body.admin_email,
                "quotas": record.quotas,
            },
            tenant_id=record.tenant_id,
        )
        try:
            active = ports.store().set_status(
                tenant_id,
                "active",
                when=("provisioning",),
                now=utc_now_iso(),
                unchanged=record,
                events=[created],
            )
        except ConditionFailed:
            continue  # activated, discarded or changed meanwhile: decide again on what is there now
        ports.outbox().release(created)
        return to_model(active)
    raise ServiceUnavailable("The tenant kept changing during the activation; try again")


def discard(tenant_id: str) -> Discarded:
    """Undo a create whose provisioning failed. Idempotent; a tenant past provisioning is never deleted."""
    require_valid_id(tenant_id)
    try:
        ports.store().delete_provisioning(tenant_id)
    except ConditionFailed:
        raise Conflict("Only a tenant still provisioning can be discarded", field="tenantId") from None
    return Discarded(discarded=True)


def validate(tenant_id: str) -> Validation:
    """A tenant still provisioning does not exist yet for anyone outside its creation; one being deleted
    no longer does (its logins are 404 at once, before its data is gone)."""
    require_valid_id(tenant_id)
    record = require_usable(tenant_id, ports.store().get(tenant_id))
    return Validation(
        tenant_id=tenant_id,
        status="active",
        plan=record.plan,
        settings=TenantSettings.model_validate(record.settings),
    )


def suspend(tenant_id: str) -> Tenant:
    """Platform admins only. The status and tenant.suspended commit together, then the cache learns (so
    users lose access at once), then the event is released. If the cache cannot be told, the suspension
    and its event are undone and the error answered: the admin retries, and nothing half-done stands.
    Suspending a suspended tenant tells the cache again (a run that died before it is completed) and
    publishes nothing: the event was committed with the suspension."""
    user = require().require_user()
    if not is_platform_admin(user):
        raise PermissionDenied("Only a platform admin may suspend a tenant", details={"permission": "*"})
    require_valid_id(tenant_id)
    if tenant_id == settings().platform_tenant:
        raise PermissionDenied("The platform tenant cannot be suspended")
    suspended = publisher.build(
        "tenant.suspended", {"tenantId": tenant_id, "reason": SUSPENSION_REASON}, tenant_id=tenant_id
    )
    now = utc_now_iso()
    try:
        record = ports.store().set_status(
            tenant_id, "suspended", when=("active",), now=now, events=[suspended]
        )
    except ConditionFailed:
        already = ports.store().get(tenant_id)
        if already is None or already.status != "suspended":
            raise TenantNotFound(details={"tenantId": tenant_id}) from None  # absent or provisioning
        _tell_cache(tenant_id)
        return to_model(already)
    try:
        _tell_cache(tenant_id)
    except Exception:
        _undo_suspension(tenant_id, suspended)
        raise
    ports.outbox().release(suspended)
    return to_model(record)


def _tell_cache(tenant_id: str) -> None:
    cache.principals_tenant(TenantPrincipalChange(tenant_id=tenant_id, status="suspended"))


def _undo_suspension(tenant_id: str, suspended: ServiceEvent) -> None:
    """Back to active, with the event taken out in the same transaction."""
    try:
        ports.store().set_status(
            tenant_id, "active", when=("suspended",), now=utc_now_iso(), withdraw=[suspended]
        )
    except Exception:
        log.exception("suspension not undone after the cache failed", tenant=tenant_id)
