"""Tenant offboarding on the audit side: the tenant's records, newest first, for the export archive; and
the purge of every audit item of a deleted tenant (records, actor copies, counts). The deletion's own
events are recorded in the platform tenant's log, so the trail of the deletion outlives the tenant."""

from __future__ import annotations

from functions.audit import layout, ports
from functions.audit.manifest import SERVICE
from functions.audit.records import to_out
from shared.events.model import ServiceEvent
from shared.tenant_export import TenantExportPage, TenantExportRequest
from shared.tenant_purge import on_deleting


def export_page(body: TenantExportRequest) -> TenantExportPage:
    selection = layout.Selection(body.tenant_id, None, layout.records_pk(body.tenant_id))
    found, next_cursor = ports.store().page(selection, page_size=body.page_size, cursor=body.cursor)
    items = [to_out(r).model_dump(by_alias=True, mode="json") for r in found]
    return TenantExportPage(items=items, next_cursor=next_cursor)


def purge(event: ServiceEvent) -> None:
    on_deleting(event, service="audit", table=tuple(t.name for t in SERVICE.tables))
