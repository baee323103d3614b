"""Shared by the tenants domain modules: id checks, loading a tenant, who counts as a platform admin."""

from __future__ import annotations

import re

from functions.tenants import ports
from functions.tenants.models import Quotas, Tenant, TenantSettings, Usage
from functions.tenants.ports import TenantRecord
from shared.errors import InvalidRequest, TenantNotFound, TenantSuspended
from shared.identifiers import TENANT_ID_PATTERN

_TENANT_ID = re.compile(TENANT_ID_PATTERN)


def require_valid_id(tenant_id: str) -> str:
    """Path parameters are checked here (the body's tenantId is checked by its model): 400, never a 500."""
    if not _TENANT_ID.fullmatch(tenant_id):
        raise InvalidRequest(f"tenantId: must match {TENANT_ID_PATTERN}", field="tenantId")
    return tenant_id


def require_usable(tenant_id: str, record: TenantRecord | None) -> TenantRecord:
    """The one rule of who may use a tenant (validate, a sign-up's seat): one still provisioning does not
    exist yet for anyone outside its creation, one being deleted no longer does (404 at once, before its
    data is gone), a suspended one is 403."""
    if record is None or record.status in ("provisioning", "deleting"):
        raise TenantNotFound(details={"tenantId": tenant_id})
    if record.status == "suspended":
        raise TenantSuspended(details={"tenantId": tenant_id})
    return record


def load(tenant_id: str) -> TenantRecord:
    record = ports.store().get(tenant_id)
    if record is None:
        raise TenantNotFound(details={"tenantId": tenant_id})
    return record


def to_model(record: TenantRecord) -> Tenant:
    return Tenant(
        tenant_id=record.tenant_id,
        name=record.name,
        plan=record.plan,
        status=record.status,
        quotas=Quotas.model_validate(record.quotas),
        usage=Usage.model_validate({"storageBytes": 0, "users": 0, **record.usage}),
        created_at=record.created_at,
        settings=TenantSettings.model_validate(record.settings),
    )
