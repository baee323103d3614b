"""What the export domain (`exports`: offboarding's archive and the purge of a deleted tenant's objects)
needs from outside, beside files' own ports (`ports.objects` for the download link, `ports.outbox`): the
exports' records (`ExportsStore`, adapter `functions.files.export_store`) and the bucket's bulk side
(`ExportBucket`, adapter `functions.files.export_bucket`). Unit tests put the in-memory fakes of
`tests/unit/functions/files/export_fakes.py` in their place (shared.ports)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Protocol

from functions.files.layout import FileRecord
from shared.events.model import ServiceEvent
from shared.ports import Port


@dataclass(frozen=True)
class ExportRecord:
    tenant_id: str
    export_id: str
    status: str  # pending | running | completed | failed
    progress: int
    requested_by: str
    created_at: str
    updated_at: str
    size_bytes: int | None = None
    error: str | None = None


class ExportsStore(Protocol):
    def insert(self, record: ExportRecord, *, keep_seconds: int, events: Sequence[ServiceEvent] = ()) -> None:
        """The new export with its events' outbox entries, together; kept `keep_seconds` (TTL)."""
        ...

    def get(self, tenant_id: str, export_id: str) -> ExportRecord | None:
        """The export (strongly consistent), None when unknown or past its keeping."""
        ...

    def update(
        self,
        tenant_id: str,
        export_id: str,
        *,
        status: str | None = None,
        progress: int | None = None,
        size_bytes: int | None = None,
        error: str | None = None,
    ) -> bool:
        """Set what is given (and updatedAt) on an export that exists; False when it does not."""
        ...

    def file_records(self, tenant_id: str) -> Iterator[FileRecord]:
        """Every file record of the tenant, whatever its status (the export job's read, never a request's)."""
        ...


class ExportBucket(Protocol):
    def upload(self, key: str, body: IO[bytes], *, content_type: str) -> None: ...

    def objects_under(self, prefix: str) -> Iterator[tuple[str, IO[bytes]]]:
        """(key, body) of every object under `prefix`; one deleted since the listing is left out."""
        ...

    def delete_under(self, prefix: str, *, limit: int) -> int:
        """Delete up to `limit` objects under `prefix`; how many (0: none left)."""
        ...


def _dynamodb() -> ExportsStore:
    # Imported on first use (pynamodb loads only where the store is used); mypy checks the module fits.
    from functions.files import export_store as dynamodb

    return dynamodb


def _s3() -> ExportBucket:
    from functions.files import export_bucket as s3

    return s3


store: Port[ExportsStore] = Port(_dynamodb)
bucket: Port[ExportBucket] = Port(_s3)
