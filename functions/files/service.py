"""Reading and deleting files of the caller's tenant: list, get, download, delete.

Deletion removes the object first and then claims the record with a delete conditioned on the status it
read: both steps are idempotent, so a failure part-way is finished by retrying the request, and only the
request whose claim succeeded gives the quota back (two concurrent deletes never release twice).
"""

from __future__ import annotations

from functions.files import effects, objects, store
from functions.files.layout import FileRecord
from functions.files.models import DownloadLink, FileOut, normalize_folder
from functions.files.records import caller, find, to_out
from shared import permissions
from shared.envelopes import Page
from shared.errors import FileNotFound, ServiceUnavailable

_DELETE_ATTEMPTS = 3  # a delete racing a complete sees the status move once (pending → available)


def list_files(folder: str | None, page_size: int, cursor: str | None) -> Page[FileOut]:
    user = caller()
    permissions.require(user, "file.read")
    # Without a folder: every available file of the tenant; with one: that folder only (`/` is root).
    chosen = normalize_folder(folder) if folder is not None else None
    records, next_cursor = store.page(user.tenant_id, folder=chosen, page_size=page_size, cursor=cursor)
    return Page[FileOut].of(
        [to_out(r) for r in records],
        total=store.total(user.tenant_id, chosen),
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
    if objects.head(record.key, etag=record.etag) is None:
        effects.logger.error("stored object differs from the verified one", file_id=record.file_id)
        raise FileNotFound("The file's content is not available")
    url = objects.presigned_get(record.key, file_name=record.file_name, content_type=record.content_type)
    effects.announce(
        "file.downloaded",
        {"fileId": record.file_id, "fileName": record.file_name, "fileSize": record.file_size},
        tenant_id=record.tenant_id,
    )
    return DownloadLink(url=url, expires_at=objects.expiry(objects.DOWNLOAD_SECONDS))


def delete(file_id: str) -> None:
    user = caller()
    record = find(user.tenant_id, file_id)
    if record.owner_id != user.user_id:
        permissions.require(user, "file.delete")
    for _ in range(_DELETE_ATTEMPTS):
        objects.delete(record.quarantine_key or record.key)
        if store.remove(record):
            _after_delete(record)
            return
        found = store.get(record.tenant_id, record.file_id)
        if found is None:
            raise FileNotFound()  # a concurrent delete won: it released and announced
        record = found
    raise ServiceUnavailable("The file kept changing during the delete; try again")


def _after_delete(record: FileRecord) -> None:
    """The quota a record held: the declared size while pending, the verified (equal) size once
    available, nothing once quarantined (quarantine released it already)."""
    held = 0 if record.status == "quarantined" else record.file_size
    effects.release_quietly(record.tenant_id, held, file_id=record.file_id)
    effects.announce(
        "file.deleted",
        {"fileId": record.file_id, "fileName": record.file_name, "fileSize": held, "status": record.status},
        tenant_id=record.tenant_id,
    )
