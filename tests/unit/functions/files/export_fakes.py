"""The exports' records and the bucket's bulk side in memory (`export_ports.ExportsStore`,
`export_ports.ExportBucket`), over the files fakes: the file records are the in-memory files store's, the
objects the in-memory bucket's."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import IO

from functions.files.export_ports import ExportRecord
from functions.files.layout import FileRecord
from shared.envelopes import utc_now_iso
from shared.errors import ServiceUnavailable
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox
from tests.unit.functions.files.fakes import FakeBucket, FakeFilesStore


class FakeExportsStore:
    def __init__(self, files: FakeFilesStore, outbox: InMemoryOutbox) -> None:
        self.files = files
        self.outbox = outbox
        self.exports: dict[tuple[str, str], tuple[ExportRecord, float]] = {}  # → (record, TTL)
        self._lock = threading.Lock()

    def insert(self, record: ExportRecord, *, keep_seconds: int, events: Sequence[ServiceEvent] = ()) -> None:
        with self._lock:
            key = (record.tenant_id, record.export_id)
            if key in self.exports:
                raise ServiceUnavailable("The export was not recorded: ConditionalCheckFailed")
            self.exports[key] = (record, time.time() + keep_seconds)
            self.outbox.stage(*events)

    def get(self, tenant_id: str, export_id: str) -> ExportRecord | None:
        found = self.exports.get((tenant_id, export_id))
        return found[0] if found and found[1] > time.time() else None

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
        with self._lock:
            found = self.exports.get((tenant_id, export_id))
            if found is None:
                return False
            record, ttl = found
            given = {"status": status, "progress": progress, "size_bytes": size_bytes, "error": error}
            changes = {name: value for name, value in given.items() if value is not None}
            self.exports[tenant_id, export_id] = (replace(record, updated_at=utc_now_iso(), **changes), ttl)  # type: ignore[arg-type]
            return True

    def file_records(self, tenant_id: str) -> Iterator[FileRecord]:
        yield from (record for (tenant, _), record in sorted(self.files.files.items()) if tenant == tenant_id)


class FakeExportBucket:
    def __init__(self, bucket: FakeBucket) -> None:
        self.bucket = bucket

    def upload(self, key: str, body: IO[bytes], *, content_type: str) -> None:
        self.bucket.put(key, body.read(), content_type)

    def objects_under(self, prefix: str) -> Iterator[tuple[str, IO[bytes]]]:
        for key, stored in sorted(self.bucket.objects.items()):
            if key.startswith(prefix):
                yield key, io.BytesIO(stored.content)

    def delete_under(self, prefix: str, *, limit: int) -> int:
        keys = [key for key in sorted(self.bucket.objects) if key.startswith(prefix)][:limit]
        for key in keys:
            del self.bucket.objects[key]
        return len(keys)
