"""A tenant's life: created (provisioning) → activated or discarded → validated on every login →
suspended by a platform admin."""

from __future__ import annotations

import re
import secrets
import unicodedata

from functions.tenants import store
from functions.tenants.lookup import is_platform_admin, load, require_valid_id, to_model
from functions.tenants.models import Activation, Discarded, NewTenant, Tenant, Validation
from functions.tenants.plans import quotas_for
from functions.tenants.store import TenantRecord
from shared.config import settings
from shared.context import require
from shared.envelopes import utc_now_iso
from shared.errors import Conflict, PermissionDenied, TenantNotFound, TenantSuspended
from shared.events import publisher
from shared.service_client import ServiceClient

client = ServiceClient("tenants")

# A generated id is `<slug>-<6 hex>`; a clash is retried with a fresh suffix a few times.
GENERATED_ID_ATTEMPTS = 3
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
            store.put_new(record)
        except store.ConditionFailed:
            continue
        return to_model(record)
    raise Conflict("This tenant id is taken", field="tenantId", details={"tenantId": tenant_id})


def activate(tenant_id: str, body: Activation) -> Tenant:
    """provisioning → active, then tenant.created. Activating an active tenant again answers the same and
    publishes again: a retry after a failed publish must not lose the event (subscribers dedupe)."""
    require_valid_id(tenant_id)
    try:
        record = store.set_status(tenant_id, "active", when=("provisioning",), now=utc_now_iso())
    except store.ConditionFailed:
        record = load(tenant_id)
        if record.status == "suspended":
            raise TenantSuspended("A suspended tenant cannot be activated") from None
    publisher.publish(
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
    return to_model(record)


def discard(tenant_id: str) -> Discarded:
    """Undo a create whose provisioning failed. Idempotent; a tenant past provisioning is never deleted."""
    require_valid_id(tenant_id)
    try:
        store.delete_provisioning(tenant_id)
    except store.ConditionFailed:
        raise Conflict("Only a tenant still provisioning can be discarded", field="tenantId") from None
    return Discarded(discarded=True)


def validate(tenant_id: str) -> Validation:
    """A tenant still provisioning does not exist yet for anyone outside its creation."""
    require_valid_id(tenant_id)
    record = store.get(tenant_id)
    if record is None or record.status == "provisioning":
        raise TenantNotFound(details={"tenantId": tenant_id})
    if record.status == "suspended":
        raise TenantSuspended(details={"tenantId": tenant_id})
    return Validation(tenant_id=tenant_id, status="active", plan=record.plan)


def suspend(tenant_id: str) -> Tenant:
    """Platform admins only. The cache learns first (so users lose access at once), then the event.
    Suspending again repeats both, so a retry after a failed cache call completes the job."""
    user = require().require_user()
    if not is_platform_admin(user):
        raise PermissionDenied("Only a platform admin may suspend a tenant", details={"permission": "*"})
    require_valid_id(tenant_id)
    if tenant_id == settings().platform_tenant:
        raise PermissionDenied("The platform tenant cannot be suspended")
    try:
        record = store.set_status(tenant_id, "suspended", when=("active", "suspended"), now=utc_now_iso())
    except store.ConditionFailed:
        raise TenantNotFound(details={"tenantId": tenant_id}) from None  # absent or still provisioning
    client.post("cache", "/internal/principals/tenant", {"tenantId": tenant_id, "status": "suspended"})
    publisher.publish(
        "tenant.suspended", {"tenantId": tenant_id, "reason": SUSPENSION_REASON}, tenant_id=tenant_id
    )
    return to_model(record)
