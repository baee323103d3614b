"""The exports' records in the `files` table, the DynamoDB side of `export_ports.ExportsStore`: one item
per export, `TENANT#t#EXPORT#<exportId>` / `EXPORT` (status, progress, requestedBy, createdAt, updatedAt,
sizeBytes, error; TTL `expiresAt`). Every read and write goes through the pynamodb model below, and
`shared.transactions` for the export's creation with its event's outbox entry."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action

from functions.files.export_ports import ExportRecord
from functions.files.layout import FILE_SK, FileRecord
from functions.files.store import FileItem
from shared.envelopes import utc_now_iso
from shared.errors import ServiceUnavailable
from shared.events.model import ServiceEvent
from shared.tables import Item, table_meta, tenant_key
from shared.transactions import Transaction, conditionally

TABLE = "files"
EXPORT_SK = "EXPORT"


def export_pk(tenant_id: str, export_id: str) -> str:
    return tenant_key(tenant_id, "EXPORT", export_id)


class ExportItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    status = UnicodeAttribute()
    progress = NumberAttribute(default=0)
    requested_by = UnicodeAttribute(attr_name="requestedBy")
    created_at = UnicodeAttribute(attr_name="createdAt")
    updated_at = UnicodeAttribute(attr_name="updatedAt")
    size_bytes = NumberAttribute(null=True, attr_name="sizeBytes")
    error = UnicodeAttribute(null=True)

    def record(self, tenant_id: str, export_id: str) -> ExportRecord:
        return ExportRecord(
            tenant_id=tenant_id,
            export_id=export_id,
            status=self.status,
            progress=int(self.progress or 0),
            requested_by=self.requested_by,
            created_at=self.created_at,
            updated_at=self.updated_at,
            size_bytes=None if self.size_bytes is None else int(self.size_bytes),
            error=self.error,
        )


def insert(record: ExportRecord, *, keep_seconds: int, events: Sequence[ServiceEvent] = ()) -> None:
    item = ExportItem(
        export_pk(record.tenant_id, record.export_id),
        EXPORT_SK,
        status=record.status,
        progress=record.progress,
        requested_by=record.requested_by,
        created_at=record.created_at,
        updated_at=record.updated_at,
        expires_at=int(time.time()) + keep_seconds,
    )
    txn = Transaction(table=TABLE)
    txn.put(item, condition=ExportItem.pk.does_not_exist())
    txn.stage(*events)
    cancelled = txn.commit()
    if cancelled is not None:  # a fresh export id collided, or the table refused: nothing was written
        raise ServiceUnavailable(f"The export was not recorded: {cancelled.reasons}")


def get(tenant_id: str, export_id: str) -> ExportRecord | None:
    found = ExportItem.get_live(export_pk(tenant_id, export_id), EXPORT_SK)
    return found.record(tenant_id, export_id) if found else None


def update(
    tenant_id: str,
    export_id: str,
    *,
    status: str | None = None,
    progress: int | None = None,
    size_bytes: int | None = None,
    error: str | None = None,
) -> bool:
    actions: list[Action] = [ExportItem.updated_at.set(utc_now_iso())]
    if status is not None:
        actions.append(ExportItem.status.set(status))
    if progress is not None:
        actions.append(ExportItem.progress.set(progress))
    if size_bytes is not None:
        actions.append(ExportItem.size_bytes.set(size_bytes))
    if error is not None:
        actions.append(ExportItem.error.set(error))
    item = ExportItem(export_pk(tenant_id, export_id), EXPORT_SK)
    return conditionally(lambda: item.update(actions=actions, condition=ExportItem.pk.exists()))


def file_records(tenant_id: str) -> Iterator[FileRecord]:
    """A filtered Scan of the tenant's file items (files are partitioned per file, so no Query names them
    all; quarantined ones are on no listing index), a page at a time."""
    tenant_prefix = tenant_key(tenant_id) + "#"
    found = FileItem.scan(FileItem.pk.startswith(tenant_prefix) & (FileItem.sk == FILE_SK), page_size=100)
    for item in found:
        yield item.record()
