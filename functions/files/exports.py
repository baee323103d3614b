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
link (15 minutes) once it is complete. Exports are kept 7 days (TTL), and removed with the tenant.
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
from typing import Any

from botocore.exceptions import ClientError

from functions.audit.client import AuditClient
from functions.files import objects
from functions.files.manifest import SERVICE
from functions.notification.client import NotificationClient
from functions.rbac.client import RbacClient
from functions.tenants.client import TenantsClient
from functions.users.client import UsersClient
from shared import aws, outbox
from shared.config import settings
from shared.context import UserContext, new_id, require
from shared.envelopes import utc_now_iso
from shared.errors import FileNotFound, PermissionDenied, TenantNotFound, TenantSuspended
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.observability import logger
from shared.permissions import allows, is_platform_admin
from shared.tables import tenant_key
from shared.tenant_export import TenantExportPage, TenantExportRequest
from shared.tenant_purge import tenant_items

audit = AuditClient(SERVICE)
notification = NotificationClient(SERVICE)
rbac = RbacClient(SERVICE)
tenants = TenantsClient(SERVICE)
users = UsersClient(SERVICE)
log = logger("files")

TABLE = "files"
EXPORT_SK = "EXPORT"
EXPORTS_PREFIX = "exports/"
KEEP_SECONDS = 7 * 24 * 3600
PAGE = 100
_EXPORT_ID = r"^exp_[0-9a-f]{32}$"


def export_pk(tenant_id: str, export_id: str) -> str:
    return tenant_key(tenant_id, "EXPORT", export_id)


def archive_key(tenant_id: str, export_id: str) -> str:
    return f"{EXPORTS_PREFIX}{tenant_id}/{export_id}.zip"


def tenant_prefixes(tenant_id: str) -> tuple[str, ...]:
    """Every prefix of the bucket that holds the tenant's objects (uploads, quarantine, exports)."""
    uploads = f"tenants/{tenant_id}/"
    return (uploads, f"{objects.QUARANTINE_PREFIX}{uploads}", f"{EXPORTS_PREFIX}{tenant_id}/")


def _table() -> str:
    return settings().table_name(TABLE)


def _key(tenant_id: str, export_id: str) -> dict[str, Any]:
    return {"pk": {"S": export_pk(tenant_id, export_id)}, "sk": {"S": EXPORT_SK}}


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
        tenants.validate(tenant_id)
    export_id = new_id("exp_")
    now = utc_now_iso()
    requested = publisher.build(
        "tenant.export_requested",
        {"tenantId": tenant_id, "exportId": export_id, "requestedBy": user.user_id},
        tenant_id=tenant_id,
    )
    put: Any = {
        "TableName": _table(),
        "Item": {
            **_key(tenant_id, export_id),
            "status": {"S": "pending"},
            "progress": {"N": "0"},
            "requestedBy": {"S": user.user_id},
            "createdAt": {"S": now},
            "updatedAt": {"S": now},
            "expiresAt": {"N": str(int(time.time()) + KEEP_SECONDS)},
        },
        "ConditionExpression": "attribute_not_exists(pk)",
    }
    if outbox.transact([{"Put": put}], [requested], table=TABLE) is not None:
        raise RuntimeError("a fresh export id collided")  # not expected in this universe
    outbox.release(requested)
    return {"exportId": export_id}


def _load(tenant_id: str, export_id: str) -> dict[str, Any] | None:
    item = aws.client("dynamodb").get_item(
        TableName=_table(), Key=_key(tenant_id, export_id), ConsistentRead=True
    )
    found = item.get("Item")
    if found is None or int(found.get("expiresAt", {}).get("N", "0")) <= time.time():
        return None
    return found


def status(tenant_id: str, export_id: str) -> dict[str, Any]:
    _authorize(tenant_id)
    found = _load(tenant_id, export_id) if _valid_id(export_id) else None
    if found is None:
        raise FileNotFound("Export not found", details={"exportId": export_id})
    answer: dict[str, Any] = {
        "exportId": export_id,
        "status": found["status"]["S"],
        "progress": int(found.get("progress", {}).get("N", "0")),
        "createdAt": found["createdAt"]["S"],
    }
    if answer["status"] == "completed":
        answer["url"] = aws.client("s3").generate_presigned_url(
            "get_object",
            Params={
                "Bucket": settings().bucket_name,
                "Key": archive_key(tenant_id, export_id),
                "ResponseContentDisposition": f'attachment; filename="{tenant_id}-{export_id}.zip"',
                "ResponseContentType": "application/zip",
            },
            ExpiresIn=objects.DOWNLOAD_SECONDS,
        )
        answer["expiresAt"] = objects.expiry(objects.DOWNLOAD_SECONDS)
        answer["sizeBytes"] = int(found.get("sizeBytes", {}).get("N", "0"))
    if answer["status"] == "failed" and "error" in found:
        answer["error"] = found["error"]["S"]
    return answer


def _valid_id(export_id: str) -> bool:
    return re.fullmatch(_EXPORT_ID, export_id) is not None


# --- the job (files' subscriber, on tenant.export_requested) --------------------------------------------
def _set(tenant_id: str, export_id: str, **fields: Any) -> None:
    names = {f"#f{i}": name for i, name in enumerate(fields)}
    values = {
        f":v{i}": ({"N": str(v)} if isinstance(v, int) else {"S": str(v)})
        for i, v in enumerate(fields.values())
    }
    values[":now"] = {"S": utc_now_iso()}
    aws.client("dynamodb").update_item(
        TableName=_table(),
        Key=_key(tenant_id, export_id),
        UpdateExpression="SET updatedAt = :now, " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields))),
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
    )


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
    found = _load(tenant_id, export_id)
    if found is None or found["status"]["S"] == "completed":
        return  # gone (the tenant was deleted meanwhile) or already built
    _set(tenant_id, export_id, status="running", progress=1)
    try:
        size = _build(tenant_id, export_id)
    except Exception as exc:
        log.exception("export failed", tenant=tenant_id, export_id=export_id)
        _set(tenant_id, export_id, status="failed", error=f"{type(exc).__name__}")
        raise  # the message comes back: a retry builds it again from the start
    _set(tenant_id, export_id, status="completed", progress=100, sizeBytes=size)


def _build(tenant_id: str, export_id: str) -> int:
    def progress(value: int) -> None:
        _set(tenant_id, export_id, progress=value)

    def request_page(cursor: str | None, **extra: Any) -> TenantExportRequest:
        return TenantExportRequest(tenant_id=tenant_id, cursor=cursor, page_size=PAGE, **extra)

    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            user_ids: list[str] = []

            def users_pages() -> Iterator[dict[str, Any]]:
                for user in _pages(lambda c: users.tenant_export(request_page(c))):
                    user_ids.append(str(user["userId"]))
                    yield user

            counts = {"users": _write_lines(archive, "users.jsonl", users_pages())}
            progress(20)
            counts["roles"] = _write_lines(
                archive, "roles.jsonl", _pages(lambda c: rbac.tenant_export(request_page(c)))
            )
            progress(30)

            def inboxes() -> Iterator[dict[str, Any]]:
                for first in range(0, len(user_ids), 100):
                    batch = user_ids[first : first + 100]
                    yield from notification.tenant_export(request_page(None, user_ids=batch)).items

            counts["notifications"] = _write_lines(archive, "notifications.jsonl", inboxes())
            progress(45)
            counts["audit"] = _write_lines(
                archive, "audit.jsonl", _pages(lambda c: audit.tenant_export(request_page(c)))
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
        aws.client("s3").upload_fileobj(
            spool,
            settings().bucket_name,
            archive_key(tenant_id, export_id),
            ExtraArgs={"ContentType": "application/zip"},
        )
    return size


_RECORD_FIELDS = {
    "fileId": "fileId",
    "fileName": "fileName",
    "fileSize": "fileSize",
    "contentType": "contentType",
    "folder": "folder",
    "status": "status",
    "ownerId": "ownerId",
    "checksum": "checksum",
    "key": "key",
    "createdAt": "createdAt",
    "updatedAt": "updatedAt",
}


def _file_records(tenant_id: str) -> Iterator[dict[str, Any]]:
    """The tenant's file records, straight from files' own table (one export job, never a request path)."""
    for items, _after in tenant_items(TABLE, tenant_id):
        for raw in items:
            if raw.get("sk", {}).get("S") != "FILE":
                continue
            record: dict[str, Any] = {}
            for out, name in _RECORD_FIELDS.items():
                value = raw.get(name)
                if value is None:
                    continue
                record[out] = int(value["N"]) if "N" in value else value.get("S")
            yield record


def _copy_objects(archive: zipfile.ZipFile, tenant_id: str, step: Callable[[int], None]) -> int:
    s3 = aws.client("s3")
    bucket = settings().bucket_name
    copied = 0
    prefix = tenant_prefixes(tenant_id)[0]  # uploads only: quarantined objects are not handed out
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Contents", []):
            key = entry["Key"]
            try:
                body = s3.get_object(Bucket=bucket, Key=key)["Body"]
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    continue  # deleted since the listing
                raise
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
    s3 = aws.client("s3")
    bucket = settings().bucket_name
    deadline = time.monotonic() + budget_seconds
    removed = 0
    for prefix in tenant_prefixes(tenant_id):
        while True:
            listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1000)
            keys = [{"Key": o["Key"]} for o in listed.get("Contents", [])]
            if not keys:
                break
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})  # type: ignore[typeddict-item]
            removed += len(keys)
            if time.monotonic() >= deadline:
                return removed, False
    return removed, True
