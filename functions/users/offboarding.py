"""Tenant offboarding on the users side: a page of the tenant's users for the export archive (as the API
shows them: never a password hash, never an MFA secret or recovery code), and the purge of every item of a
deleted tenant from the users table (users, email claims, count, lockouts, MFA factors and challenges)."""

from __future__ import annotations

from functions.users import ports
from functions.users.reads import to_out
from shared.events.model import ServiceEvent
from shared.tenant_export import TenantExportPage, TenantExportRequest
from shared.tenant_purge import on_deleting


def export_page(body: TenantExportRequest) -> TenantExportPage:
    records, next_cursor = ports.users().page(body.tenant_id, page_size=body.page_size, cursor=body.cursor)
    items = []
    for record in records:
        user = to_out(record).model_dump(by_alias=True, mode="json")
        user["mfaEnabled"] = (
            factor := ports.factors().get(record.tenant_id, record.user_id)
        ) is not None and (factor.status == "active")
        items.append(user)
    return TenantExportPage(items=items, next_cursor=next_cursor if records else None)


def purge(event: ServiceEvent) -> None:
    on_deleting(event, service="users", table="users")
