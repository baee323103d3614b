"""Tenant offboarding on the rbac side: the tenant's roles (built-in ones with its override) and every
user's roles for the export archive, and the purge of its partition when the tenant is deleted."""

from __future__ import annotations

from typing import Any

from functions.rbac import ports, roles
from functions.rbac.store import TABLE
from shared.events.model import ServiceEvent
from shared.tenant_export import TenantExportPage, TenantExportRequest
from shared.tenant_purge import on_deleting


def export_page(body: TenantExportRequest) -> TenantExportPage:
    """The first page starts with every role; then the users' role lists, a Query page at a time."""
    tenant_id = body.tenant_id
    items: list[dict[str, Any]] = []
    if body.cursor is None:
        items += [{"kind": "role", **r.model_dump(by_alias=True)} for r in roles.list_roles(tenant_id)]
    page = ports.store().user_roles_page(tenant_id, page_size=body.page_size, cursor=body.cursor)
    items += [{"kind": "assignment", "userId": user_id, "roles": held} for user_id, held in page.held]
    return TenantExportPage(items=items, next_cursor=page.next_cursor)


def purge(event: ServiceEvent) -> None:
    on_deleting(event, service="rbac", table=TABLE)
