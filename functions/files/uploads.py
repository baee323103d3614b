"""Seed 000 scenario 3: an upload is requested (type, permission, quota reservation, pending record,
presigned POST), the client sends the bytes straight to the bucket, then completes it.

Completion trusts nothing the client said: the emulator does not enforce the POST policy (and a policy is
only as good as its signer), so the stored object's real size, type and bytes are checked here. Whatever
fails after the reservation gives the reservation back: the quota always equals what the records hold.

Events are built before the write that causes them and committed in its transaction (shared.outbox), then
released: a bus outage never fails an upload, and never loses its event.
"""

from __future__ import annotations

from datetime import UTC, datetime

from functions.files import content_types, effects, objects, ports, scanning
from functions.files.layout import FileRecord
from functions.files.models import (
    ROOT_FOLDER,
    FileOut,
    UploadForm,
    UploadRequest,
    UploadTicket,
    normalize_content_type,
)
from functions.files.records import caller, find, to_out
from shared import permissions
from shared.context import new_id
from shared.envelopes import utc_now_iso
from shared.errors import FileNotFound, FileTooLarge, InvalidFileType, InvalidRequest
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.identifiers import is_api_key

WARNING_PERCENT = 80


# --- upload-request ----------------------------------------------------------------------------------
def request_upload(body: UploadRequest) -> UploadTicket:
    user = caller()
    content_types.require_allowed(body.content_type, user.tenant_id)
    folder = body.folder or ROOT_FOLDER
    if is_api_key(user.user_id):  # an API key (X-API-Key): exactly its scopes; rbac knows no such user
        permissions.require(user, "file.upload")
    else:
        effects.require_permission(
            user.tenant_id, user.user_id, "upload", {"folder": folder, "fileSize": body.file_size}
        )
    usage = effects.reserve_storage(user.tenant_id, body.file_size)
    now = utc_now_iso()
    record = FileRecord(
        tenant_id=user.tenant_id,
        file_id=new_id("f_"),
        file_name=body.file_name,
        file_size=body.file_size,
        content_type=body.content_type,
        folder=folder,
        key=objects.new_key(user.tenant_id, body.file_name, datetime.now(UTC)),
        status="pending",
        owner_id=user.user_id,
        created_at=now,
        updated_at=now,
    )
    warnings = _warning_if_crossed(user.tenant_id, usage, body.file_size, record.file_id)
    try:
        # Signing first (no I/O), so that the record, once written, is the last thing that can fail.
        url, fields = ports.objects().presigned_post(
            record.key, content_type=record.content_type, size=record.file_size
        )
        ports.store().insert_pending(
            record, events=warnings
        )  # the warning commits with the record, or neither
    except Exception:
        # Nothing was promised to the client and no record exists: give the reserved bytes back.
        effects.release_quietly(record.tenant_id, record.file_size, file_id=record.file_id)
        raise
    ports.outbox().release(*warnings)
    return UploadTicket(
        file_id=record.file_id,
        upload=UploadForm(url=url, fields=fields, expires_at=objects.expiry(objects.UPLOAD_SECONDS)),
    )


def _warning_if_crossed(
    tenant_id: str, usage: effects.Usage, reserved: int, file_id: str
) -> list[ServiceEvent]:
    """`file.quota_warning` once, when this reservation took usage from below 80% to 80% or more. It is
    staged with the upload's record: a request that fails after the reservation warns of nothing."""
    if usage.limit <= 0:
        return []
    before = usage.used - reserved
    threshold = usage.limit * WARNING_PERCENT  # compared with usage * 100: integers, no rounding
    if not before * 100 < threshold <= usage.used * 100:
        return []
    data = {
        "tenantId": tenant_id,
        "usedBytes": usage.used,
        "limitBytes": usage.limit,
        "percent": round(usage.used * 100 / usage.limit, 2),
        "thresholdPercent": WARNING_PERCENT,
        "fileId": file_id,
    }
    return [publisher.build("file.quota_warning", data, tenant_id=tenant_id)]


# --- complete ----------------------------------------------------------------------------------------
def complete(file_id: str) -> FileOut:
    user = caller()
    record = find(user.tenant_id, file_id)
    if record.owner_id != user.user_id:
        permissions.require(user, "file.upload")
    if record.status != "pending":
        return to_out(record)  # completed (or quarantined) already: the same answer again
    stored = ports.objects().head(record.key)
    if stored is None:
        raise InvalidRequest("The file has not been uploaded yet", field="fileId")
    _verify(record, size=stored.size, content_type=stored.content_type)
    try:
        digest = ports.objects().digest(record.key, etag=stored.etag)
    except objects.ObjectChanged:
        return _after_object_changed(record)
    _verify(record, size=digest.size, content_type=record.content_type)
    signature = scanning.scan(digest.head, digest.size)
    if signature is not None:
        return _quarantine(record, signature, etag=stored.etag)
    uploaded = publisher.build(
        "file.uploaded",
        {
            "fileId": record.file_id,
            "fileName": record.file_name,
            "fileSize": record.file_size,  # verified above: the stored object is exactly this size
            "contentType": record.content_type,
            "folder": record.folder,
            "checksum": f"sha256:{digest.sha256}",
            "key": record.key,
            "ownerId": record.owner_id,
        },
        tenant_id=record.tenant_id,
    )
    now = utc_now_iso()
    if not ports.store().make_available(
        record, checksum=digest.sha256, etag=stored.etag, now=now, events=[uploaded]
    ):
        return _after_lost_race(record)
    done = find(record.tenant_id, record.file_id)
    ports.outbox().release(uploaded)
    return to_out(done)


def _verify(record: FileRecord, *, size: int, content_type: str) -> None:
    """The stored object must be exactly what was declared (and reserved); if not, the upload is undone
    and refused: 413 larger, 400 smaller, 415 another type."""
    error: Exception | None = None
    if size > record.file_size:
        error = FileTooLarge(
            "The uploaded file is larger than declared",
            details={"declared": record.file_size, "actual": size},
        )
    elif size < record.file_size:
        error = InvalidRequest(
            "The uploaded file is smaller than declared",
            field="fileSize",
            details={"declared": record.file_size, "actual": size},
        )
    elif not _same_type(content_type, record.content_type):
        error = InvalidFileType(
            "The uploaded file's type is not the declared one",
            field="contentType",
            details={"declared": record.content_type, "actual": content_type},
        )
    if error is not None:
        _undo(record)
        raise error


def _same_type(stored: str, declared: str) -> bool:
    try:
        return normalize_content_type(stored) == declared
    except ValueError:
        return False


def _undo(record: FileRecord) -> None:
    """Claim the pending record (conditional delete) before anything else, so that only one caller gives
    the reservation back; a lost claim means a concurrent complete or delete owns the file now."""
    if not ports.store().remove(record):
        return
    effects.release_quietly(record.tenant_id, record.file_size, file_id=record.file_id)
    ports.objects().delete(record.key)


def _quarantine(record: FileRecord, signature: str, *, etag: str) -> FileOut:
    """Copy to the quarantine prefix first (a failure leaves the upload pending and retryable), then
    claim the status change, and only the claimant deletes the original, releases and announces."""
    target = objects.quarantine_key(record.key)
    try:
        ports.objects().copy(record.key, target, etag=etag)
    except objects.ObjectChanged:
        return _after_object_changed(record)
    detected = publisher.build(
        "file.virus_detected",
        {
            "fileId": record.file_id,
            "fileName": record.file_name,
            "signature": signature,
            "quarantineKey": target,
            "ownerId": record.owner_id,
        },
        tenant_id=record.tenant_id,
    )
    if not ports.store().quarantine(record, quarantine_key=target, now=utc_now_iso(), events=[detected]):
        return _after_lost_race(record)
    ports.objects().delete(record.key)
    effects.release_quietly(record.tenant_id, record.file_size, file_id=record.file_id)
    quarantined = find(record.tenant_id, record.file_id)
    ports.outbox().release(detected)
    return to_out(quarantined)


def _after_object_changed(record: FileRecord) -> FileOut:
    """The object moved under us: a concurrent complete (quarantine) or delete did it, and the record says
    so; or the client uploaded again meanwhile, and this complete is refused (the next one checks that)."""
    now = ports.store().get(record.tenant_id, record.file_id)
    if now is not None and now.status == "pending":
        raise InvalidRequest("The upload changed while it was being verified; complete it again")
    return _after_lost_race(record)


def _after_lost_race(record: FileRecord) -> FileOut:
    """Another complete (or a delete) changed the record first: answer with what it is now."""
    now = ports.store().get(record.tenant_id, record.file_id)
    if now is None:
        raise FileNotFound()
    return to_out(now)
