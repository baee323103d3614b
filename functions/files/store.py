"""The `files` table's reads and writes (the layout is `functions.files.layout`), the DynamoDB side of
`ports.FilesStore`. The only module that touches the table; every read and write goes through the pynamodb
models below, and writes that must happen together through `shared.transactions`.

Every status change is conditioned on the status it starts from, and the maintained counts move in the
same transaction, so two concurrent completes or deletes can never both count (or both release).
A write that causes events takes them (`events`): their outbox entries join its transaction, so the
change and its events are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action

from functions.files.layout import (
    ALL_SK,
    FILE_SK,
    INDEX_ATTRIBUTES,
    PENDING,
    FileRecord,
    check_cursor,
    count_pk,
    file_pk,
    files_partition,
    folder_partition,
    folder_sk,
    pending_partition,
)
from shared.envelopes import Cursor
from shared.errors import ServiceUnavailable
from shared.events.model import ServiceEvent
from shared.tables import Gsi1, Gsi2, Gsi3, Item, table_meta
from shared.transactions import Transaction, conditionally

TABLE = "files"
_CONFLICT_ATTEMPTS = 4


class FileItem(Item):
    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)

    file_id = UnicodeAttribute(attr_name="fileId")
    file_name = UnicodeAttribute(attr_name="fileName")
    file_size = NumberAttribute(attr_name="fileSize")
    content_type = UnicodeAttribute(attr_name="contentType")
    folder = UnicodeAttribute()
    object_key = UnicodeAttribute(attr_name="key")
    status = UnicodeAttribute()
    owner_id = UnicodeAttribute(attr_name="ownerId")
    created_at = UnicodeAttribute(attr_name="createdAt")
    updated_at = UnicodeAttribute(attr_name="updatedAt")
    checksum = UnicodeAttribute(null=True)
    etag = UnicodeAttribute(null=True)
    quarantine_key = UnicodeAttribute(attr_name="quarantineKey", null=True)
    # Sparse indexes (layout): gsi1 a folder's available files, gsi2 the tenant's available or pending
    # ones, gsi3 every pending upload.
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi1 = Gsi1()
    gsi2 = Gsi2()
    gsi3 = Gsi3()

    def record(self) -> FileRecord:
        # pk is TENANT#<t>#FILE#<fileId>: the tenant is the second part (tenant ids contain no `#`).
        return FileRecord(
            tenant_id=self.pk.split("#")[1],
            file_id=self.file_id,
            file_name=self.file_name,
            file_size=int(self.file_size),
            content_type=self.content_type,
            folder=self.folder,
            key=self.object_key,
            status=self.status,
            owner_id=self.owner_id,
            created_at=self.created_at,
            updated_at=self.updated_at,
            checksum=self.checksum,
            etag=self.etag,
            quarantine_key=self.quarantine_key,
        )


class CountItem(Item):
    """A maintained count of available files: of one folder (`FOLDER#<folder>`) or of the tenant (`ALL`)."""

    Meta = table_meta(TABLE)  # type: ignore[assignment]  # a live Meta (see shared.tables)
    total = NumberAttribute(attr_name="count", null=True)  # `count` would shadow Model.count


def _records(found: Iterable[Item]) -> list[FileRecord]:
    """An index answers its model's items, typed as the base `Item` (the indexes are shared.tables')."""
    return [cast(FileItem, item).record() for item in found]


def _file(tenant_id: str, file_id: str) -> FileItem:
    return FileItem(file_pk(tenant_id, file_id), FILE_SK)


# --- reads -------------------------------------------------------------------------------------------
def get(tenant_id: str, file_id: str) -> FileRecord | None:
    item = FileItem.get_live(file_pk(tenant_id, file_id), FILE_SK)
    return item.record() if item else None


def total(tenant_id: str, folder: str | None) -> int:
    item = CountItem.get_live(count_pk(tenant_id), folder_sk(folder) if folder is not None else ALL_SK)
    return max(0, int(item.total or 0)) if item else 0


def page(
    tenant_id: str, *, folder: str | None, page_size: int, cursor: str | None
) -> tuple[list[FileRecord], str | None]:
    """One page of available files, newest first: of a folder (gsi1) or of the whole tenant (gsi2)."""
    index, name, partition = (
        (FileItem.gsi1, "gsi1", folder_partition(tenant_id, folder))
        if folder is not None
        else (FileItem.gsi2, "gsi2", files_partition(tenant_id))
    )
    last_key, number = Cursor.decode(cursor)
    if last_key is not None:
        check_cursor(last_key, name, partition, tenant_id)
    result = index.query(
        partition, scan_index_forward=False, limit=page_size, page_size=page_size, last_evaluated_key=last_key
    )
    records = _records(result)
    return records, Cursor.encode(result.last_evaluated_key, page=number + 1)


def pending_before(cutoff: str, limit: int) -> list[FileRecord]:
    """Up to `limit` pending uploads of any tenant created before `cutoff` (ISO), oldest first."""
    found = FileItem.gsi3.query(PENDING, FileItem.gsi3sk < cutoff, limit=limit, page_size=limit)
    return _records(found)


def held_by(tenant_id: str) -> tuple[int, int, int]:
    """(bytes, pending files, available files) of the tenant's records, from the gsi2 partitions."""
    totals = []
    for partition in (pending_partition(tenant_id), files_partition(tenant_id)):
        found = FileItem.gsi2.query(partition, attributes_to_get=["fileSize"])
        sizes = [int(cast(FileItem, item).file_size) for item in found]
        totals.append((sum(sizes), len(sizes)))
    (pending_bytes, pending), (available_bytes, available) = totals
    return pending_bytes + available_bytes, pending, available


# --- writes ------------------------------------------------------------------------------------------
def insert_pending(record: FileRecord, *, events: Sequence[ServiceEvent] = ()) -> None:
    """The new upload's record (a fresh id: never there already), with its events' outbox entries. A new
    pending upload is in the tenant's pending partition of gsi2 and in gsi3 (cleanup)."""
    pk = file_pk(record.tenant_id, record.file_id)
    item = FileItem(
        pk,
        FILE_SK,
        file_id=record.file_id,
        file_name=record.file_name,
        file_size=record.file_size,
        content_type=record.content_type,
        folder=record.folder,
        object_key=record.key,
        status=record.status,
        owner_id=record.owner_id,
        created_at=record.created_at,
        updated_at=record.updated_at,
        gsi2pk=pending_partition(record.tenant_id),
        gsi2sk=record.order,
        gsi3pk=PENDING,
        gsi3sk=f"{record.created_at}#{pk}",
    )
    new = FileItem.pk.does_not_exist()
    if not events:  # a plain PutItem costs half of a one-item transaction
        written = conditionally(lambda: item.save(condition=new))
    else:
        txn = _transaction()
        txn.put(item, condition=new)
        txn.stage(*events)
        written = _committed(txn)
    if not written:
        raise ServiceUnavailable("The new file id is taken; request the upload again")


def make_available(
    record: FileRecord, *, checksum: str, etag: str, now: str, events: Sequence[ServiceEvent] = ()
) -> bool:
    """pending → available, into both listings, counted once. False when it was no longer pending."""
    t = record.tenant_id
    txn = _transaction()
    sets = [
        (FileItem.checksum, checksum),
        (FileItem.etag, etag),
        (FileItem.gsi1pk, folder_partition(t, record.folder)),
        (FileItem.gsi1sk, record.order),
        (FileItem.gsi2pk, files_partition(t)),
    ]
    _status_change(txn, record, "available", now, sets=sets, removes=(FileItem.gsi3pk, FileItem.gsi3sk))
    _count_change(txn, t, folder_sk(record.folder), +1)
    _count_change(txn, t, ALL_SK, +1)
    txn.stage(*events)
    return _committed(txn)


def quarantine(
    record: FileRecord, *, quarantine_key: str, now: str, events: Sequence[ServiceEvent] = ()
) -> bool:
    """pending → quarantined, out of every index. False when it was no longer pending."""
    txn = _transaction()
    removes = [getattr(FileItem, name) for name in INDEX_ATTRIBUTES]
    _status_change(
        txn, record, "quarantined", now, sets=[(FileItem.quarantine_key, quarantine_key)], removes=removes
    )
    txn.stage(*events)
    return _committed(txn)


def remove(record: FileRecord, *, events: Sequence[ServiceEvent] = ()) -> bool:
    """Delete the record if it still has the status we saw (an available one counted one less).
    False when it changed or vanished meanwhile: whoever changed it did (or will do) the accounting."""
    txn = _transaction()
    txn.delete(_file(record.tenant_id, record.file_id), condition=FileItem.status == record.status)
    if record.status == "available":
        _count_change(txn, record.tenant_id, folder_sk(record.folder), -1)
        _count_change(txn, record.tenant_id, ALL_SK, -1)
    txn.stage(*events)
    return _committed(txn)


def _transaction() -> Transaction:
    return Transaction(table=TABLE, attempts=_CONFLICT_ATTEMPTS)


def _status_change(
    txn: Transaction,
    record: FileRecord,
    status: str,
    now: str,
    *,
    sets: Sequence[tuple[UnicodeAttribute, str]],
    removes: Iterable[UnicodeAttribute],
) -> None:
    actions: list[Action] = [FileItem.status.set(status), FileItem.updated_at.set(now)]
    actions += [attribute.set(value) for attribute, value in sets]
    actions += [attribute.remove() for attribute in removes]
    txn.update(_file(record.tenant_id, record.file_id), actions, condition=FileItem.status == "pending")


def _count_change(txn: Transaction, tenant_id: str, sk: str, delta: int) -> None:
    txn.update(CountItem(count_pk(tenant_id), sk), [CountItem.total.add(delta)])


def _committed(txn: Transaction) -> bool:
    """True if it was written (with the events' outbox entries), False if a condition failed; any other
    cancellation is an error."""
    cancelled = txn.commit()
    if cancelled is None:
        return True
    if cancelled.condition_failed():
        return False
    raise ServiceUnavailable(f"The files transaction was cancelled: {cancelled.reasons}")
