"""Tenant offboarding on the rbac side: the tenant's roles (built-in ones with its override) and every
user's roles for the export archive, and the purge of its partition when the tenant is deleted."""

from __future__ import annotations

from typing import Any

from functions.rbac import roles, store
from shared import aws
from shared.config import settings
from shared.envelopes import Cursor
from shared.errors import InvalidRequest
from shared.events.model import ServiceEvent
from shared.tenant_export import TenantExportPage, TenantExportRequest
from shared.tenant_purge import on_deleting

_USER = "USER#"


def export_page(body: TenantExportRequest) -> TenantExportPage:
    """The first page starts with every role; then the users' role lists, a Query page at a time."""
    tenant_id = body.tenant_id
    items: list[dict[str, Any]] = []
    if body.cursor is None:
        items += [{"kind": "role", **r.model_dump(by_alias=True)} for r in roles.list_roles(tenant_id)]
    start, page = Cursor.decode(body.cursor)
    pk = store.partition(tenant_id)
    if start is not None and (
        start.get("pk") != {"S": pk} or not str(start.get("sk", {}).get("S", "")).startswith(_USER)
    ):
        raise InvalidRequest("The cursor is not valid", field="cursor")
    request: dict[str, Any] = {
        "TableName": settings().table_name(store.TABLE),
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :user)",
        "ExpressionAttributeValues": {":pk": {"S": pk}, ":user": {"S": _USER}},
        "Limit": body.page_size,
        "ConsistentRead": True,
    }
    if start is not None:
        request["ExclusiveStartKey"] = start
    found = aws.client("dynamodb").query(**request)
    for item in found.get("Items", []):
        granted = [str(v.get("S")) for v in item.get("roles", {}).get("L", [])]
        items.append({"kind": "assignment", "userId": item["sk"]["S"].removeprefix(_USER), "roles": granted})
    return TenantExportPage(
        items=items, next_cursor=Cursor.encode(found.get("LastEvaluatedKey"), page=page + 1)
    )


def purge(event: ServiceEvent) -> None:
    on_deleting(event, service="rbac", table=store.TABLE)
