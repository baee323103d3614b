"""The internal routes of tenants as typed calls (`TenantsClient`), with their request and response models.

Other services call tenants only through this module. It imports nothing of tenants but its manifest and
models (no handler, no store), so a caller's cold start does not load tenants's code."""

from __future__ import annotations

from functions.tenants.manifest import SERVICE
from functions.tenants.models import (
    Activation,
    Directory,
    Discarded,
    NewTenant,
    QuotaOverrides,
    QuotaRequest,
    QuotaResult,
    SeatRequest,
    StorageUsage,
    Tenant,
    UsageCorrection,
    Validation,
)
from shared.typed_client import TypedClient

__all__ = [
    "Activation",
    "Directory",
    "Discarded",
    "NewTenant",
    "QuotaOverrides",
    "QuotaRequest",
    "QuotaResult",
    "SeatRequest",
    "StorageUsage",
    "Tenant",
    "TenantsClient",
    "UsageCorrection",
    "Validation",
]


class TenantsClient(TypedClient):
    """One method per internal route of functions/tenants/manifest.py, named after its function."""

    callee = SERVICE

    def directory(self, *, page_size: int | None = None, cursor: str | None = None) -> Directory:
        """`GET /internal/tenants`: every tenant id, a page at a time (for jobs that visit each
        tenant).

        Handled by functions/tenants/directory.py."""
        return self._send("directory", Directory, query={"pageSize": page_size, "cursor": cursor})

    def storage_usage(self, tenant_id: str, body: StorageUsage, *, system_token: str) -> UsageCorrection:
        """`POST /internal/tenants/{tenantId}/storage-usage`: set the tenant's storage usage to what
        its files hold (quota reconciliation).

        Handled by functions/tenants/storage_usage.py."""
        return self._send(
            "storage-usage", UsageCorrection, body, path={"tenantId": tenant_id}, system_token=system_token
        )

    def create(self, body: NewTenant) -> Tenant:
        """`POST /internal/tenants`: create a tenant in status provisioning (a taken id is 409).

        Handled by functions/tenants/create.py."""
        return self._send("create", Tenant, body)

    def activate(self, tenant_id: str, body: Activation) -> Tenant:
        """`POST /internal/tenants/{tenantId}/activate`: move a provisioning tenant to active;
        publishes tenant.created.

        Handled by functions/tenants/activate.py."""
        return self._send("activate", Tenant, body, path={"tenantId": tenant_id})

    def discard(self, tenant_id: str) -> Discarded:
        """`POST /internal/tenants/{tenantId}/discard`: delete a tenant whose provisioning failed
        (only while provisioning).

        Handled by functions/tenants/discard.py."""
        return self._send("discard", Discarded, path={"tenantId": tenant_id})

    def validate(self, tenant_id: str) -> Validation:
        """`GET /internal/tenants/{tenantId}/validate`: whether a tenant exists and is usable: its
        status and plan.

        Handled by functions/tenants/validate.py."""
        return self._send("validate", Validation, path={"tenantId": tenant_id})

    def check_quota(self, tenant_id: str, body: QuotaRequest) -> QuotaResult:
        """`POST /internal/tenants/{tenantId}/check-quota`: check, reserve (atomically) or release
        storage or user quota.

        Handled by functions/tenants/check_quota.py."""
        return self._send("check-quota", QuotaResult, body, path={"tenantId": tenant_id})

    def seats(self, tenant_id: str, body: SeatRequest) -> QuotaResult:
        """`POST /internal/tenants/{tenantId}/seats`: reserve or release one user seat under the caller's
        key (a repeat counts nothing twice).

        Handled by functions/tenants/seats.py."""
        return self._send("seats", QuotaResult, body, path={"tenantId": tenant_id})
