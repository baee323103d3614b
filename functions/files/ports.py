"""What the files domain (uploads, service, maintenance, records) needs from outside: its store, the file
bucket and the outbox. The adapters are `functions.files.store` (DynamoDB) and `functions.files.objects`
(S3); unit tests put the in-memory fakes of `tests/unit/functions/files/fakes.py` in their place
(shared.ports). Exports (`exports`) have ports of their own beside these (`export_ports`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from functions.files.layout import FileRecord
from functions.files.objects import Digest, StoredObject
from shared.events.model import ServiceEvent
from shared.ports import EventOutbox, Port, kernel_outbox

__all__ = ["Digest", "FileRecord", "FilesStore", "ObjectStore", "StoredObject", "objects", "outbox", "store"]


class FilesStore(Protocol):
    """Every status change is decided by the store on the status it finds (False when it is not the one
    required), never by a read before it; the counts move with it, and the events given to a write are
    staged with it."""

    def get(self, tenant_id: str, file_id: str) -> FileRecord | None: ...

    def total(self, tenant_id: str, folder: str | None) -> int: ...

    def page(
        self, tenant_id: str, *, folder: str | None, page_size: int, cursor: str | None
    ) -> tuple[list[FileRecord], str | None]: ...

    def pending_before(self, cutoff: str, limit: int) -> list[FileRecord]: ...

    def held_by(self, tenant_id: str) -> tuple[int, int, int]: ...

    def insert_pending(self, record: FileRecord, *, events: Sequence[ServiceEvent] = ()) -> None: ...

    def make_available(
        self, record: FileRecord, *, checksum: str, etag: str, now: str, events: Sequence[ServiceEvent] = ()
    ) -> bool: ...

    def quarantine(
        self, record: FileRecord, *, quarantine_key: str, now: str, events: Sequence[ServiceEvent] = ()
    ) -> bool: ...

    def remove(self, record: FileRecord, *, events: Sequence[ServiceEvent] = ()) -> bool: ...


class ObjectStore(Protocol):
    """The bucket as the domain uses it. `head`/`digest`/`copy` pinned to an ETag refuse a replaced
    object (None / `objects.ObjectChanged`); `delete` of a missing object succeeds."""

    def presigned_post(self, key: str, *, content_type: str, size: int) -> tuple[str, dict[str, str]]: ...

    def presigned_get(self, key: str, *, file_name: str, content_type: str) -> str: ...

    def head(self, key: str, *, etag: str | None = None) -> StoredObject | None: ...

    def digest(self, key: str, *, etag: str) -> Digest: ...

    def copy(self, source: str, target: str, *, etag: str) -> None: ...

    def delete(self, key: str) -> None: ...


def _dynamodb() -> FilesStore:
    # Imported on first use (pynamodb loads only where the store is used); mypy checks the module fits.
    from functions.files import store as dynamodb

    return dynamodb


def _s3() -> ObjectStore:
    from functions.files import objects as s3

    return s3


store: Port[FilesStore] = Port(_dynamodb)
objects: Port[ObjectStore] = Port(_s3)
outbox: Port[EventOutbox] = Port(kernel_outbox)
