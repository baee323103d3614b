"""The file bucket: object keys, presigned upload and download URLs, and the reads and moves completion and
deletion need. The only module that talks to S3.

Uploads are a presigned POST, not a PUT, because a POST policy can pin what a PUT signature cannot: the
exact size (`content-length-range [n, n]`), the Content-Type and the key. S3 enforces the policy; the
local emulator does not, which is why completion verifies the stored object itself (size, type, bytes).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from botocore.exceptions import ClientError

from functions.files.scanning import HEAD_BYTES
from shared import aws
from shared.config import settings

UPLOAD_SECONDS = 15 * 60
DOWNLOAD_SECONDS = 15 * 60
QUARANTINE_PREFIX = "quarantine/"
_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,16}")


class ObjectChanged(Exception):
    """The object is no longer the one a previous HEAD described (replaced, or deleted, meanwhile)."""


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str
    etag: str


@dataclass(frozen=True)
class Digest:
    sha256: str
    size: int
    head: bytes  # the first HEAD_BYTES bytes, for the scan


def _bucket() -> str:
    return settings().bucket_name


def new_key(tenant_id: str, file_name: str, now: datetime) -> str:
    """Seed 001's naming under the tenant's prefix: `tenants/<t>/uploads/<yyyymmdd>/<stem>_<random><ext>`.
    The stem keeps only key-safe characters (the original name lives in the record), and the random part
    makes two uploads of the same name never share an object."""
    path = PurePosixPath(file_name)
    ext = path.suffix if _EXTENSION.fullmatch(path.suffix) else ""
    stem = _UNSAFE.sub("_", path.name[: len(path.name) - len(ext)]).strip("._")[:64] or "file"
    return f"tenants/{tenant_id}/uploads/{now.strftime('%Y%m%d')}/{stem}_{secrets.token_hex(8)}{ext.lower()}"


def quarantine_key(key: str) -> str:
    return f"{QUARANTINE_PREFIX}{key}"


def expiry(seconds: int) -> str:
    at = datetime.now(UTC).timestamp() + seconds
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def presigned_post(key: str, *, content_type: str, size: int) -> tuple[str, dict[str, str]]:
    """(url, form fields) for one upload of exactly `size` bytes of `content_type` to `key`."""
    form = aws.client("s3").generate_presigned_post(
        Bucket=_bucket(),
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", size, size]],
        ExpiresIn=UPLOAD_SECONDS,
    )
    return str(form["url"]), {str(k): str(v) for k, v in form["fields"].items()}


def presigned_get(key: str, *, file_name: str, content_type: str) -> str:
    """A download URL that names the file as an attachment (never rendered inline from our bucket)."""
    fallback = _UNSAFE.sub("_", file_name).strip("_") or "download"
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"
    url: str = aws.client("s3").generate_presigned_url(
        "get_object",
        Params={
            "Bucket": _bucket(),
            "Key": key,
            "ResponseContentDisposition": disposition,
            "ResponseContentType": content_type,
        },
        ExpiresIn=DOWNLOAD_SECONDS,
    )
    return url


def head(key: str, *, etag: str | None = None) -> StoredObject | None:
    """The object's size, type and ETag; None when it is missing (or, given `etag`, no longer that one)."""
    extra: dict[str, Any] = {"IfMatch": etag} if etag else {}
    try:
        response = aws.client("s3").head_object(Bucket=_bucket(), Key=key, **extra)
    except ClientError as exc:
        if _code(exc) in ("404", "NoSuchKey", "NotFound", "412", "PreconditionFailed"):
            return None
        raise
    return StoredObject(
        size=int(response["ContentLength"]),
        content_type=str(response.get("ContentType") or ""),
        etag=str(response["ETag"]),
    )


def digest(key: str, *, etag: str) -> Digest:
    """Stream the object once: its sha256, its real length and its first bytes. `etag` pins the version
    a HEAD saw, so a replacement uploaded in between is refused (`ObjectChanged`) instead of mixed up."""
    try:
        response = aws.client("s3").get_object(Bucket=_bucket(), Key=key, IfMatch=etag)
    except ClientError as exc:
        if _code(exc) in ("404", "NoSuchKey", "412", "PreconditionFailed"):
            raise ObjectChanged(key) from exc
        raise
    hasher, size, first = hashlib.sha256(), 0, bytearray()
    for chunk in response["Body"].iter_chunks(_CHUNK):
        hasher.update(chunk)
        size += len(chunk)
        if len(first) < HEAD_BYTES:
            first.extend(chunk[: HEAD_BYTES - len(first)])
    return Digest(sha256=hasher.hexdigest(), size=size, head=bytes(first))


def copy(source: str, target: str, *, etag: str) -> None:
    try:
        aws.client("s3").copy_object(
            Bucket=_bucket(),
            Key=target,
            CopySource={"Bucket": _bucket(), "Key": source},
            CopySourceIfMatch=etag,
        )
    except ClientError as exc:
        if _code(exc) in ("404", "NoSuchKey", "412", "PreconditionFailed"):
            raise ObjectChanged(source) from exc
        raise


def delete(key: str) -> None:
    """Idempotent: deleting a missing object succeeds (S3's own semantics)."""
    aws.client("s3").delete_object(Bucket=_bucket(), Key=key)


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
