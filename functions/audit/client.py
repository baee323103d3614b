"""The internal routes of audit as typed calls (`AuditClient`), with their request and response models.

Other services call audit only through this module. It imports nothing of audit but its manifest and
models (no handler, no store), so a caller's cold start does not load audit's code."""

from __future__ import annotations

from functions.audit.manifest import SERVICE
from shared.tenant_export import TenantExportPage, TenantExportRequest
from shared.typed_client import TypedClient

__all__ = ["AuditClient", "TenantExportPage", "TenantExportRequest"]


class AuditClient(TypedClient):
    """One method per internal route of functions/audit/manifest.py, named after its function."""

    callee = SERVICE

    def tenant_export(self, body: TenantExportRequest) -> TenantExportPage:
        """`POST /internal/audit/tenant-export`: a page of a tenant's audit records for its export
        (offboarding).

        Handled by functions/audit/tenant_export.py."""
        return self._send("tenant-export", TenantExportPage, body)
