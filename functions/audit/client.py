"""The internal routes of audit as typed calls (`AuditClient`), with their request and response models.

Other services call audit only through this module. It imports nothing of audit but its manifest and
models (no handler, no store), so a caller's cold start does not load audit's code."""

from __future__ import annotations

from functions.audit.listing_models import AuditListing
from functions.audit.manifest import SERVICE
from shared.tenant_export import TenantExportPage, TenantExportRequest
from shared.typed_client import TypedClient

__all__ = ["AuditClient", "AuditListing", "TenantExportPage", "TenantExportRequest"]


class AuditClient(TypedClient):
    """One method per internal route of functions/audit/manifest.py, named after its function."""

    callee = SERVICE

    def query_internal(
        self,
        *,
        event_type: str | None = None,
        user_id: str | None = None,
        since: str | None = None,
        until: str | None = None,
        page_size: int = 20,
        cursor: str | None = None,
    ) -> AuditListing:
        """`GET /internal/audit`: the tenant's audit records, for a service acting for a user
        (audit.read).

        Handled by functions/audit/query_internal.py."""
        query = {
            "type": event_type,
            "userId": user_id,
            "from": since,
            "to": until,
            "pageSize": page_size,
            "cursor": cursor,
        }
        return self._send("query-internal", AuditListing, query=query)

    def tenant_export(self, body: TenantExportRequest) -> TenantExportPage:
        """`POST /internal/audit/tenant-export`: a page of a tenant's audit records for its export
        (offboarding).

        Handled by functions/audit/tenant_export.py."""
        return self._send("tenant-export", TenantExportPage, body)
