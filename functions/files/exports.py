"""Tenant offboarding, the export (docs/identity.md, "Exporting a tenant").

`POST /api/v1/tenants/{tenantId}/export` (a tenant admin of that tenant — `tenant.export`, which
`tenant_admin`'s `*` holds — or a platform admin) records an export `pending` and stages
`tenant.export_requested` in the same transaction → 202 `{exportId}`. Files' own subscriber builds the
archive (no 29 s request): a zip with one JSON Lines file per kind of data, each page asked of the service
that owns it through its typed client (files is the application layer, so every owner is below it):

    tenant.json          the export's own facts
    users.jsonl          users (users: never a password hash, never an MFA secret or recovery code)
    roles.jsonl          roles and each user's roles (rbac)
    notifications.jsonl  each user's inbox and channel preferences (notification)
    audit.jsonl          audit records, newest first (audit)
    files.jsonl          file records (files' own table)
    objects/<key>        the stored objects under the tenant's prefix (quarantined ones left out)

Progress is recorded on the export after each part; the archive goes to `exports/<tenantId>/<exportId>.zip`
in the files bucket, and `GET /api/v1/tenants/{tenantId}/exports/{exportId}` answers a fresh presigned
link (15 minutes) once it is complete. Exports are kept 7 days (TTL), and removed with the tenant. The
export's record goes through `export_ports.store`, the archive and the tenant's objects through
`export_ports.bucket`, the download link through files' `ports.objects`.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

from functions.files import export_ports, objects, ports
from functions.files.export_ports import ExportRecord
from functions.files.manifest import SERVICE
from shared.context import UserContext, new_id, require
from shared.envelopes import utc_now_iso
from shared.errors import FileNotFound, PermissionDenied, TenantNotFound, TenantSuspended
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.observability import logger
from shared.permissions import allows, is_platform_admin
from shared.tenant_export import TenantExportPage, TenantExportRequest

if TYPE_CHECKING:
    from functions.audit.client import AuditClient
    from functions.notification.client import NotificationClient
    from functions.rbac.client import RbacClient
    from functions.tenants.client import TenantsClient
    from functions.users.client import UsersClient


class _Clients:
    """The services an export reads, each client (and its service's models) made at its first use: the
    files subscriber and the export routes import this module, and most of their runs (a tenant's purge,
    a status read) call none of them (issue 15: five services' models were a tenth of a cold start)."""

    @cached_property
    def audit(self) -> AuditClient:
        from functions.audit.client import AuditClient

        return AuditClient(SERVICE)

    @cached_property
    def notification(self) -> NotificationClient:
        from functions.notification.client import NotificationClient

        return NotificationClient(SERVICE)

    @cached_property
    def rbac(self) -> RbacClient:
        from functions.rbac.client import RbacClient

        return RbacClient(SERVICE)

    @cached_property
    def tenants(self) -> TenantsClient:
        from functions.tenants.client import TenantsClient

        return TenantsClient(SERVICE)

    @cached_property
    def users(self) -> UsersClient:
        from functions.users.client import UsersClient

        return UsersClient(SERVICE)


clients = _Clients()
log = logger("files")

EXPORTS_PREFIX = "exports/"
KEEP_SECONDS = 7 * 24 * 3600
PAGE = 100
_EXPORT_ID = r"^exp_[0-9a-f]{32}$"
_PURGE_BATCH = 1000  # one S3 listing and one DeleteObjects


def archive_key(tenant_id: str, export_id: str) -> str:
    return f"{EXPORTS_PREFIX}{tenant_id}/{export_id}.zip"


def tenant_prefixes(tenant_id: str) -> tuple[str, ...]:
    """Every prefix of the bucket that holds the tenant's objects (uploads, quarantine, exports)."""
    uploads = f"tenants/{tenant_id}/"
    return (uploads, f"{objects.QUARANTINE_PREFIX}{uploads}", f"{EXPORTS_PREFIX}{tenant_id}/")


class ExportGone(Exception):
    """The export's record is gone (its tenant was deleted while the archive was being built)."""


# --- who may -------------------------------------------------------------------------------------------
def _authorize(tenant_id: str) -> UserContext:
    """Another tenant's exports are 404 like unknown ones; a member of the tenant without
    `tenant.export` is 403."""
    user = require().require_user()
    if is_platform_admin(user):
        return user
    if user.tenant_id != tenant_id:
        raise TenantNotFound(details={"tenantId": tenant_id})
    if not allows(user.permissions, "tenant.export"):
        raise PermissionDenied(
            "Requires tenant.export (tenant admins)", details={"permission": "tenant.export"}
        )
    return user


# --- the routes ----------------------------------------------------------------------------------------
def request(tenant_id: str) -> dict[str, str]:
    user = _authorize(tenant_id)
    # Unknown or being deleted: 404; a suspended tenant's data can still be exported (offboarding often
    # starts there).
    with contextlib.suppress(TenantSuspended):
        clients.tenants.validate(tenant_id)
    export_id = new_id("exp_")
    now = utc_now_iso()
    requested = publisher.build(
        "tenant.export_requested",
        {"tenantId": tenant_id, "exportId": export_id, "requestedBy": user.user_id},
        tenant_id=tenant_id,
    )
    record = ExportRecord(tenant_id, export_id, "pending", 0, user.user_id, now, now)
    export_ports.store().insert(record, keep_seconds=KEEP_SECONDS, events=[requested])
    ports.outbox().release(requested)
    return {"exportId": export_id}


def status(tenant_id: str, export_id: str) -> dict[str, Any]:
    _authorize(tenant_id)
    found = export_ports.store().get(tenant_id, export_id) if _valid_id(export_id) else None
    if found is None:
        raise FileNotFound("Export not found", details={"exportId": export_id})
    answer: dict[str, Any] = {
        "exportId": export_id,
        "status": found.status,
        "progress": found.progress,
        "createdAt": found.created_at,
    }
    if found.status == "completed":
        answer["url"] = ports.objects().presigned_get(
            archive_key(tenant_id, export_id),
            file_name=f"{tenant_id}-{export_id}.zip",
            content_type="application/zip",
        )
        answer["expiresAt"] = objects.expiry(objects.DOWNLOAD_SECONDS)
        answer["sizeBytes"] = found.size_bytes or 0
    if found.status == "failed" and found.error:
        answer["error"] = found.error
    return answer


def _valid_id(export_id: str) -> bool:
    return re.fullmatch(_EXPORT_ID, export_id) is not None


# --- the job (files' subscriber, on tenant.export_requested) --------------------------------------------
def _set(
    tenant_id: str,
    export_id: str,
    *,
    status: str | None = None,
    progress: int | None = None,
    size_bytes: int | None = None,
    error: str | None = None,
) -> None:
    """Record progress on the export; gone meanwhile (the tenant was deleted), the job stops."""
    changed = export_ports.store().update(
        tenant_id, export_id, status=status, progress=progress, size_bytes=size_bytes, error=error
    )
    if not changed:
        raise ExportGone(export_id)


def _pages(fetch: Callable[[str | None], TenantExportPage]) -> Iterator[dict[str, Any]]:
    cursor: str | None = None
    while True:
        page = fetch(cursor)
        yield from page.items
        cursor = page.next_cursor
        if not cursor or not page.items:
            return


def _write_lines(archive: zipfile.ZipFile, name: str, items: Iterator[dict[str, Any]]) -> int:
    count = 0
    with archive.open(name, "w") as out:
        for item in items:
            out.write(json.dumps(item, sort_keys=True, default=str).encode() + b"\n")
            count += 1
    return count


def build(event: ServiceEvent) -> None:
    tenant_id, export_id = str(event.data["tenantId"]), str(event.data["exportId"])
    found = export_ports.store().get(tenant_id, export_id)
    if found is None or found.status == "completed":
        return  # gone (the tenant was deleted meanwhile) or already built
    try:
        _set(tenant_id, export_id, status="running", progress=1)
        size = _build(tenant_id, export_id)
        _set(tenant_id, export_id, status="completed", progress=100, size_bytes=size)
    except ExportGone:
        log.info("export gone while it was built; nothing to finish", tenant=tenant_id, export_id=export_id)
    except Exception as exc:
        log.exception("export failed", tenant=tenant_id, export_id=export_id)
        with contextlib.suppress(ExportGone):
            _set(tenant_id, export_id, status="failed", error=f"{type(exc).__name__}")
        raise  # the message comes back: a retry builds it again from the start


def _build(tenant_id: str, export_id: str) -> int:
    def progress(value: int) -> None:
        _set(tenant_id, export_id, progress=value)

    def request_page(cursor: str | None, **extra: Any) -> TenantExportRequest:
        return TenantExportRequest(tenant_id=tenant_id, cursor=cursor, page_size=PAGE, **extra)

    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            user_ids: list[str] = []

            def users_pages() -> Iterator[dict[str, Any]]:
                for user in _pages(lambda c: clients.users.tenant_export(request_page(c))):
                    user_ids.append(str(user["userId"]))
                    yield user

            counts = {"users": _write_lines(archive, "users.jsonl", users_pages())}
            progress(20)
            counts["roles"] = _write_lines(
                archive, "roles.jsonl", _pages(lambda c: clients.rbac.tenant_export(request_page(c)))
            )
            progress(30)

            def inboxes() -> Iterator[dict[str, Any]]:
                for first in range(0, len(user_ids), 100):
                    batch = user_ids[first : first + 100]
                    yield from clients.notification.tenant_export(request_page(None, user_ids=batch)).items

            counts["notifications"] = _write_lines(archive, "notifications.jsonl", inboxes())
            progress(45)
            counts["audit"] = _write_lines(
                archive, "audit.jsonl", _pages(lambda c: clients.audit.tenant_export(request_page(c)))
            )
            progress(60)
            counts["files"] = _write_lines(archive, "files.jsonl", _file_records(tenant_id))
            progress(70)
            counts["objects"] = _copy_objects(archive, tenant_id, lambda done: progress(70 + min(done, 25)))
            facts = {
                "tenantId": tenant_id,
                "exportId": export_id,
                "exportedAt": utc_now_iso(),
                "counts": counts,
            }
            archive.writestr("tenant.json", json.dumps(facts, indent=2, sort_keys=True))
        size = spool.tell()
        spool.seek(0)
        export_ports.bucket().upload(archive_key(tenant_id, export_id), spool, content_type="application/zip")
    return size


def _file_records(tenant_id: str) -> Iterator[dict[str, Any]]:
    """The tenant's file records as the archive lists them (the store's Scan: one export job, never a
    request path)."""
    for record in export_ports.store().file_records(tenant_id):
        listed = {
            "fileId": record.file_id,
            "fileName": record.file_name,
            "fileSize": record.file_size,
            "contentType": record.content_type,
            "folder": record.folder,
            "status": record.status,
            "ownerId": record.owner_id,
            "checksum": record.checksum,
            "key": record.key,
            "createdAt": record.created_at,
            "updatedAt": record.updated_at,
        }
        yield {name: value for name, value in listed.items() if value is not None}


def _copy_objects(archive: zipfile.ZipFile, tenant_id: str, step: Callable[[int], None]) -> int:
    copied = 0
    prefix = tenant_prefixes(tenant_id)[0]  # uploads only: quarantined objects are not handed out
    for key, body in export_ports.bucket().objects_under(prefix):
        with archive.open(f"objects/{key.removeprefix(prefix)}", "w") as out:
            shutil.copyfileobj(body, out, 1 << 20)
        copied += 1
        if copied % 10 == 0:
            step(copied // 10)
    return copied


# --- the purge of a deleted tenant (files' subscriber, on tenant.deleting) -------------------------------
def purge_objects(tenant_id: str, budget_seconds: float) -> tuple[int, bool]:
    """Delete every object under the tenant's prefixes, a thousand at a time, until done or out of time
    (a listing starts from the beginning each time: what was deleted is no longer listed)."""
    deadline = time.monotonic() + budget_seconds
    removed = 0
    for prefix in tenant_prefixes(tenant_id):
        while True:
            deleted = export_ports.bucket().delete_under(prefix, limit=_PURGE_BATCH)
            if not deleted:
                break
            removed += deleted
            if time.monotonic() >= deadline:
                return removed, False
    return removed, True
