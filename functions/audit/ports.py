"""What the audit domain (records, offboarding) needs from outside: its store. The DynamoDB adapter is
`functions.audit.store`; unit tests put the in-memory fake of `tests/unit/functions/audit/fakes.py` in its
place (shared.ports). Keys, selections and the bounded-round paging are `functions.audit.layout`'s."""

from __future__ import annotations

from typing import Protocol

from functions.audit.layout import Selection
from functions.audit.models import AuditRecord
from shared.ports import Port


class AuditStore(Protocol):
    """A record is written once (its puts and its counts together, or nothing); a page is read in bounded
    rounds (`layout.paged`) with cursors bound to their selection."""

    def insert(self, record: AuditRecord) -> bool: ...

    def count(self, tenant_id: str, *, event_type: str | None = None, user_id: str | None = None) -> int: ...

    def page(
        self, selection: Selection, *, page_size: int, cursor: str | None
    ) -> tuple[list[AuditRecord], str | None]: ...


def _dynamodb() -> AuditStore:
    # Imported on first use (pynamodb loads only where the store is used); mypy checks the module fits.
    from functions.audit import store as dynamodb

    return dynamodb


store: Port[AuditStore] = Port(_dynamodb)
