"""The files store and the file bucket in memory (`ports.FilesStore`, `ports.ObjectStore`).

The store evaluates every condition the DynamoDB store has DynamoDB evaluate, on the same terms, one call
at a time (a lock stands in for a transaction's atomicity); counts move with the status change, and events
given to a write are staged in the in-memory outbox with it. Listings are cut and keyed as the gsi1/gsi2
partitions of `functions/files/layout.py` are, so cursors are checked exactly as the real ones.

The bucket keeps bytes, type and an ETag per key; a replaced object gets a new ETag, and reads pinned to
an old one are refused as S3 refuses them (`If-Match`)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

from functions.files import layout
from functions.files.layout import FileRecord
from functions.files.objects import Digest, ObjectChanged, StoredObject
from functions.files.scanning import HEAD_BYTES
from shared.envelopes import Cursor
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox


class FakeFilesStore:
    def __init__(self, outbox: InMemoryOutbox) -> None:
        self.outbox = outbox
        self.files: dict[tuple[str, str], FileRecord] = {}
        self.counts: dict[tuple[str, str], int] = {}  # (tenant, FOLDER#<f> | ALL) → available files
        self._lock = threading.Lock()

    # --- reads -------------------------------------------------------------------------------------
    def get(self, tenant_id: str, file_id: str) -> FileRecord | None:
        layout.file_pk(tenant_id, file_id)  # the same refusal of a malformed tenant id as the real key
        return self.files.get((tenant_id, file_id))

    def total(self, tenant_id: str, folder: str | None) -> int:
        sk = layout.folder_sk(folder) if folder is not None else layout.ALL_SK
        return max(0, self.counts.get((tenant_id, sk), 0))

    def page(
        self, tenant_id: str, *, folder: str | None, page_size: int, cursor: str | None
    ) -> tuple[list[FileRecord], str | None]:
        index, partition = (
            ("gsi1", layout.folder_partition(tenant_id, folder))
            if folder is not None
            else ("gsi2", layout.files_partition(tenant_id))
        )
        last_key, number = Cursor.decode(cursor)
        after: str | None = None
        if last_key is not None:
            layout.check_cursor(last_key, index, partition, tenant_id)
            after = str(last_key[f"{index}sk"]["S"])
        listed = sorted(
            (r for r in self.files.values() if self._in_listing(r, tenant_id, folder)),
            key=lambda r: r.order,
            reverse=True,
        )
        rest = [r for r in listed if after is None or r.order < after]
        chosen = rest[:page_size]
        next_key = None
        if len(rest) > page_size and chosen:
            last = chosen[-1]
            next_key = {
                "pk": {"S": layout.file_pk(tenant_id, last.file_id)},
                "sk": {"S": layout.FILE_SK},
                f"{index}pk": {"S": partition},
                f"{index}sk": {"S": last.order},
            }
        return chosen, Cursor.encode(next_key, page=number + 1)

    @staticmethod
    def _in_listing(record: FileRecord, tenant_id: str, folder: str | None) -> bool:
        return (
            record.tenant_id == tenant_id
            and record.status == "available"
            and (folder is None or record.folder == folder)
        )

    def pending_before(self, cutoff: str, limit: int) -> list[FileRecord]:
        pending = sorted(
            (r for r in self.files.values() if r.status == "pending" and r.created_at < cutoff),
            key=lambda r: f"{r.created_at}#{layout.file_pk(r.tenant_id, r.file_id)}",
        )
        return pending[:limit]

    def held_by(self, tenant_id: str) -> tuple[int, int, int]:
        mine = [r for r in self.files.values() if r.tenant_id == tenant_id]
        pending = [r.file_size for r in mine if r.status == "pending"]
        available = [r.file_size for r in mine if r.status == "available"]
        return sum(pending) + sum(available), len(pending), len(available)

    # --- writes ------------------------------------------------------------------------------------
    def insert_pending(self, record: FileRecord, *, events: Sequence[ServiceEvent] = ()) -> None:
        from shared.errors import ServiceUnavailable

        with self._lock:
            if (record.tenant_id, record.file_id) in self.files:
                raise ServiceUnavailable("The new file id is taken; request the upload again")
            self.files[(record.tenant_id, record.file_id)] = record
            self.outbox.stage(*events)

    def make_available(
        self, record: FileRecord, *, checksum: str, etag: str, now: str, events: Sequence[ServiceEvent] = ()
    ) -> bool:
        with self._lock:
            if not self._is(record, "pending"):
                return False
            self._put(replace(record, status="available", checksum=checksum, etag=etag, updated_at=now))
            self._count(record, +1)
            self.outbox.stage(*events)
            return True

    def quarantine(
        self, record: FileRecord, *, quarantine_key: str, now: str, events: Sequence[ServiceEvent] = ()
    ) -> bool:
        with self._lock:
            if not self._is(record, "pending"):
                return False
            self._put(replace(record, status="quarantined", quarantine_key=quarantine_key, updated_at=now))
            self.outbox.stage(*events)
            return True

    def remove(self, record: FileRecord, *, events: Sequence[ServiceEvent] = ()) -> bool:
        with self._lock:
            if not self._is(record, record.status):
                return False
            del self.files[(record.tenant_id, record.file_id)]
            if record.status == "available":
                self._count(record, -1)
            self.outbox.stage(*events)
            return True

    def _is(self, record: FileRecord, status: str) -> bool:
        found = self.files.get((record.tenant_id, record.file_id))
        return found is not None and found.status == status

    def _put(self, record: FileRecord) -> None:
        # What the table holds keeps what was stored at insert (the caller's copy may be stale).
        stored = self.files[(record.tenant_id, record.file_id)]
        self.files[(record.tenant_id, record.file_id)] = replace(
            stored,
            status=record.status,
            checksum=record.checksum,
            etag=record.etag,
            quarantine_key=record.quarantine_key,
            updated_at=record.updated_at,
        )

    def _count(self, record: FileRecord, delta: int) -> None:
        for sk in (layout.folder_sk(record.folder), layout.ALL_SK):
            key = (record.tenant_id, sk)
            self.counts[key] = self.counts.get(key, 0) + delta


@dataclass(frozen=True)
class _Object:
    content: bytes
    content_type: str
    etag: str


class FakeBucket:
    """The file bucket (`ports.ObjectStore`); `put` is what a client's POST to the presigned form does."""

    URL = "https://bucket.fake"

    def __init__(self) -> None:
        self.objects: dict[str, _Object] = {}
        self._versions = 0

    def put(self, key: str, content: bytes, content_type: str) -> None:
        self._versions += 1
        etag = (
            '"' + hashlib.md5(content + str(self._versions).encode(), usedforsecurity=False).hexdigest() + '"'
        )
        self.objects[key] = _Object(content, content_type, etag)

    def keys(self) -> list[str]:
        return sorted(self.objects)

    # --- the port ----------------------------------------------------------------------------------
    def presigned_post(self, key: str, *, content_type: str, size: int) -> tuple[str, dict[str, str]]:
        return self.URL, {"key": key, "Content-Type": content_type, "policy": f"exactly {size} bytes"}

    def presigned_get(self, key: str, *, file_name: str, content_type: str) -> str:
        from urllib.parse import quote, urlencode

        query = urlencode(
            {
                "response-content-disposition": f"attachment; filename*=UTF-8''{quote(file_name, safe='')}",
                "response-content-type": content_type,
            }
        )
        return f"{self.URL}/{key}?{query}"

    def head(self, key: str, *, etag: str | None = None) -> StoredObject | None:
        found = self.objects.get(key)
        if found is None or (etag is not None and found.etag != etag):
            return None
        return StoredObject(size=len(found.content), content_type=found.content_type, etag=found.etag)

    def digest(self, key: str, *, etag: str) -> Digest:
        found = self._pinned(key, etag)
        content = found.content
        return Digest(
            sha256=hashlib.sha256(content).hexdigest(), size=len(content), head=content[:HEAD_BYTES]
        )

    def copy(self, source: str, target: str, *, etag: str) -> None:
        self.objects[target] = self._pinned(source, etag)

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)

    def _pinned(self, key: str, etag: str) -> _Object:
        found = self.objects.get(key)
        if found is None or found.etag != etag:
            raise ObjectChanged(key)
        return found
