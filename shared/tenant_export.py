"""Tenant offboarding, the owning service's side of an export: one internal route per service that hands
out a page of the tenant's data as the public API shows it (never a password hash, never an MFA secret),
and these two bodies, shared by every such route so that the exporter (files) reads them all alike."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from shared.identifiers import TENANT_ID_PATTERN
from shared.models import CamelBody, CamelModel

TenantId = Annotated[str, Field(pattern=TENANT_ID_PATTERN)]
UserId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w-]+$")]


class TenantExportRequest(CamelBody):
    """A page of the tenant's data: from `cursor` (the previous page's `nextCursor`), or of `userIds`."""

    tenant_id: TenantId = Field(alias="tenantId")
    cursor: str | None = Field(default=None, min_length=1, max_length=4096)
    page_size: int = Field(default=100, alias="pageSize", ge=1, le=500)
    user_ids: list[UserId] | None = Field(default=None, alias="userIds", max_length=100)


class TenantExportPage(CamelModel):
    items: list[dict[str, Any]]
    next_cursor: str | None = Field(default=None, alias="nextCursor")
