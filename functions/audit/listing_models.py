"""A page of audit records for a service acting for a user (the GraphQL read API): a plain model with the
cursor inside, since a `Page` crosses the service wire as its `data` only."""

from __future__ import annotations

from functions.audit.models import AuditRecordOut
from shared.models import CamelModel


class AuditListing(CamelModel):
    records: list[AuditRecordOut]
    total: int
    next_cursor: str | None = None
