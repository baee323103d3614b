"""Reading and deleting files of the caller's tenant: list, get, download, delete.

Deletion removes the object first and then claims the record with a delete conditioned on the status it
read: both steps are idempotent, so a failure part-way is finished by retrying the request, and only the
request whose claim succeeded gives the quota back (two concurrent deletes never release twice). The claim
and its `file.deleted` commit in one transaction (shared.outbox).
"""

from __future__ import annotations

from functions.files import content_types, effects, objects, ports
from functions.files.layout import FileRecord
from functions.files.models import DownloadLink, FileOut, normalize_folder
from functions.files.records import caller, find, to_out
from shared import permissions
from shared.envelopes import Page
from shared.errors import FileNotFound, ServiceUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent

_DELETE_ATTEMPTS = 3  # a delete racing a complete sees the status move once (pending → available)


def list_files(folder: str | None, page_size: int, cursor: str | None) -> Page[FileOut]:
    user = caller()
    permissions.require(user, "file.read")
    # Without a folder: every available file of the tenant; with one: that folder only (`/` is root).
    chosen = normalize_folder(folder) if folder is not None else None
    records, next_cursor = ports.store().page(
        user.tenant_id, folder=chosen, page_size=page_size, cursor=cursor
    )
    return Page[FileOut].of(
        [to_out(r) for r in records],
        total=ports.store().total(user.tenant_id, chosen),
        page_size=page_size,
        cursor=cursor,
        next_cursor=next_cursor,
    )


def get_file(file_id: str) -> FileOut:
    user = caller()
    permissions.require(user, "file.read")
    return to_out(find(user.tenant_id, file_id))


def download(file_id: str) -> DownloadLink:
    user = caller()
    permissions.require(user, "file.read")
    record = find(user.tenant_id, file_id)
    if record.status != "available":
        raise FileNotFound("The file is not available for download")
    # The upload's POST policy stays valid for its 15 minutes, so the object could have been replaced
    # after completion verified it: serve only the version that was verified (the ETag it had).
    if ports.objects().head(record.key, etag=record.etag) is None:
        effects.logger.error("stored object differs from the verified one", file_id=record.file_id)
        raise FileNotFound("The file's content is not available")
    served_as = content_types.served_as(record.content_type)
    url = ports.objects().presigned_get(record.key, file_name=record.file_name, content_type=served_as)
    # Nothing is written for a download: the event is put into the outbox on its own before answering, so
    # a bus outage neither fails the download nor loses the event.
    ports.outbox().emit(
        publisher.build(
            "file.downloaded",
            {"fileId": record.file_id, "fileName": record.file_name, "fileSize": record.file_size},
            tenant_id=record.tenant_id,
        )
    )
    return DownloadLink(url=url, expires_at=objects.expiry(objects.DOWNLOAD_SECONDS))


def delete(file_id: str) -> None:
    user = caller()
    record = find(user.tenant_id, file_id)
    if record.owner_id != user.user_id:
        permissions.require(user, "file.delete")
    for _ in range(_DELETE_ATTEMPTS):
        ports.objects().delete(record.quarantine_key or record.key)
        deleted = _deleted_event(record)
        if ports.store().remove(record, events=[deleted]):
            effects.release_quietly(record.tenant_id, _held(record), file_id=record.file_id)
            ports.outbox().release(deleted)
            return
        found = ports.store().get(record.tenant_id, record.file_id)
        if found is None:
            raise FileNotFound()  # a concurrent delete won: it released and announced
        record = found
    raise ServiceUnavailable("The file kept changing during the delete; try again")


def _held(record: FileRecord) -> int:
    """The quota a record holds: the declared size while pending, the verified (equal) size once
    available, nothing once quarantined (quarantine released it already)."""
    return 0 if record.status == "quarantined" else record.file_size


def _deleted_event(record: FileRecord) -> ServiceEvent:
    """file.deleted for the record as it was read: staged with the delete conditioned on that status."""
    return publisher.build(
        "file.deleted",
        {
            "fileId": record.file_id,
            "fileName": record.file_name,
            "fileSize": _held(record),
            "status": record.status,
        },
        tenant_id=record.tenant_id,
    )
