"""The file jobs' maintenance endpoints (seed 000 scenario 4): removing abandoned uploads and telling how
many bytes a tenant's records hold.

cleanup-temp-files claims each abandoned upload with a conditional delete of its record *before* giving
its quota back, so two runs (or a run racing a late complete or a delete) never release the same bytes
twice: whoever loses the claim skips the item. One item's failure is reported in `errors` and the run
goes on; a failure after the claim leaves drift that reconcile-storage shows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions.files import effects, objects, ports
from functions.files.layout import FileRecord
from functions.files.models import CleanupRequest, CleanupResult, ReconcileRequest, StorageHeld
from shared.errors import InvalidRequest, StratusError

_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
# Younger pending uploads may still be on their way: their presigned POST is valid this long.
MIN_AGE = timedelta(seconds=objects.UPLOAD_SECONDS)


def parse_duration(raw: str) -> timedelta:
    """`7d`, `12h`, `30m` (the model checked the shape) → a timedelta of at least the upload window."""
    duration = timedelta(**{_UNITS[raw[-1]]: int(raw[:-1])})
    if duration < MIN_AGE:
        raise InvalidRequest(
            f"olderThan must be at least {objects.UPLOAD_SECONDS // 60}m: younger uploads may be in flight",
            field="olderThan",
        )
    return duration


def cleanup(body: CleanupRequest) -> CleanupResult:
    cutoff = datetime.now(UTC) - parse_duration(body.older_than)
    stamp = cutoff.isoformat(timespec="milliseconds").replace("+00:00", "Z")  # createdAt's format
    processed, released, errors = 0, 0, []
    for record in ports.store().pending_before(stamp, body.limit):
        claimed, freed, problems = _clean(record)
        processed += claimed
        released += freed
        errors += problems
    return CleanupResult(processed_items=processed, released_bytes=released, errors=errors)


def _clean(record: FileRecord) -> tuple[int, int, list[str]]:
    """(1 if this run claimed it, bytes released, problems). Each step's failure is caught and reported
    so that one bad item (a tenant that no longer exists, a throttled call) never stops the run."""
    label = f"{record.tenant_id}/{record.file_id}"
    try:
        if not ports.store().remove(record):
            return 0, 0, []  # completed, deleted or cleaned by someone else meanwhile
    except Exception as exc:
        effects.logger.exception("pending upload not claimed", file_id=record.file_id)
        return 0, 0, [f"{label}: record not removed: {_describe(exc)}"]
    problems, freed = [], 0
    try:
        effects.release_storage(record.tenant_id, record.file_size)
        freed = record.file_size
    except Exception as exc:
        effects.logger.exception("quota not released", file_id=record.file_id, amount=record.file_size)
        problems.append(f"{label}: {record.file_size} bytes not released: {_describe(exc)}")
    try:
        ports.objects().delete(record.key)
    except Exception as exc:
        effects.logger.exception("pending object not deleted", file_id=record.file_id, key=record.key)
        problems.append(f"{label}: object not deleted: {_describe(exc)}")
    return 1, freed, problems


def _describe(exc: Exception) -> str:
    if isinstance(exc, StratusError):
        return f"{exc.code}: {exc.message}"
    return type(exc).__name__


def reconcile(body: ReconcileRequest) -> StorageHeld:
    held, pending, available = ports.store().held_by(body.tenant_id)
    return StorageHeld(tenant_id=body.tenant_id, bytes=held, pending_files=pending, available_files=available)
