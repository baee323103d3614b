"""Where a tenant's search index lives: versioned archives in S3, the current version in the table, and a
copy unpacked in the function's /tmp.

    s3://<bucket>/apps/marketplace/search/<tenant>/v<N>-<build>.tar.gz   one immutable archive per write
    TENANT#t#SEARCH / INDEX                          {version, archive, documents, builtAt, status}
    /tmp/stratus-search/<prefix>/<tenant>/v<N>-<build>/                   this container's unpacked copy

Each write names its archive with a random build id: two writers racing for version N+1 never overwrite
each other's archive (only the one whose pointer move wins is ever read), and a cached copy in /tmp can
never be mistaken for another index of the same tenant and version (an emulator started afresh).

A new version is written by unpacking the current one into a fresh directory, changing it, packing it and
uploading it, then moving the pointer from N to N+1 with a conditional update: two indexers racing cannot
both win (the loser's message comes back and applies its change on top of the winner's). Readers check
the pointer at most once a second and open a version they have not seen (download and unpack once).
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tantivy
from botocore.exceptions import ClientError

from apps.marketplace import search_schema
from apps.marketplace.catalog_store import table_name
from shared import aws
from shared.config import settings
from shared.envelopes import utc_now_iso
from shared.tables import tenant_key

KEEP_VERSIONS = 3
POINTER_TTL = 1.0
_lock = threading.Lock()
_open: dict[str, tuple[str, tantivy.Index]] = {}  # tenant → (archive, index) opened in this container
_pointers: dict[str, tuple[float, dict[str, Any]]] = {}


class IndexMoved(Exception):
    """Another writer published a version first: retry on top of it."""


def _root() -> Path:
    return (
        Path(os.environ.get("STRATUS_SEARCH_CACHE", tempfile.gettempdir()))
        / "stratus-search"
        / settings().resource_prefix
    )


def _prefix(tenant_id: str) -> str:
    return f"apps/marketplace/search/{tenant_id}/"


def _key(tenant_id: str, archive: str) -> str:
    return f"{_prefix(tenant_id)}{archive}.tar.gz"


def _pointer_key(tenant_id: str) -> dict[str, Any]:
    return {"pk": {"S": tenant_key(tenant_id, "SEARCH")}, "sk": {"S": "INDEX"}}


def pointer(tenant_id: str, *, fresh: bool = False) -> dict[str, Any]:
    """{version, documents, builtAt, status, ...}; version 0: no index yet."""
    cached = _pointers.get(tenant_id)
    if not fresh and cached and time.monotonic() - cached[0] < POINTER_TTL:
        return cached[1]
    found = aws.client("dynamodb").get_item(
        TableName=table_name(), Key=_pointer_key(tenant_id), ConsistentRead=True
    )
    item = found.get("Item") or {}
    out = {
        "version": int(item.get("version", {}).get("N", "0")),
        "archive": item.get("archive", {}).get("S"),
        "documents": int(item.get("documents", {}).get("N", "0")),
        "builtAt": item.get("builtAt", {}).get("S"),
        "status": item.get("status", {}).get("S", "empty" if not item else "ready"),
        "buildSeconds": float(item.get("buildSeconds", {}).get("N", "0")),
    }
    _pointers[tenant_id] = (time.monotonic(), out)
    return out


def mark(tenant_id: str, status: str) -> None:
    aws.client("dynamodb").update_item(
        TableName=table_name(),
        Key=_pointer_key(tenant_id),
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": status}},
    )
    _pointers.pop(tenant_id, None)


def _directory(tenant_id: str, archive: str) -> Path:
    return _root() / tenant_id / archive


def _unpacked(tenant_id: str, archive: str) -> Path:
    """The archive's directory in /tmp, downloaded and unpacked if this container has not got it."""
    target = _directory(tenant_id, archive)
    if (target / ".complete").exists():
        return target
    body = (
        aws.client("s3")
        .get_object(Bucket=settings().bucket_name, Key=_key(tenant_id, archive))["Body"]
        .read()
    )
    staging = Path(tempfile.mkdtemp(dir=_ensure(target.parent)))
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as packed:
        packed.extractall(staging, filter="data")
    (staging / ".complete").touch()
    try:
        staging.rename(target)
    except OSError:  # another thread of this container got there first
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def reader(tenant_id: str) -> tantivy.Index | None:
    """The tenant's current index (None: never built), opened once per version per container."""
    archive = pointer(tenant_id)["archive"]
    if archive is None:
        return None
    with _lock:
        held = _open.get(tenant_id)
        if held and held[0] == archive:
            return held[1]
        index = tantivy.Index.open(str(_unpacked(tenant_id, archive)))
        _open[tenant_id] = (archive, index)
        return index


def write(
    tenant_id: str, change: Callable[[tantivy.IndexWriter], int | None], *, rebuild: bool = False
) -> dict[str, Any]:
    """Publish version N+1 = `change` applied to version N (to an empty index if `rebuild`); `change`
    returns the document count when it knows it. Raises `IndexMoved` if N is no longer current."""
    began = time.monotonic()
    current = pointer(tenant_id, fresh=True)
    version = current["version"]
    archive = f"v{version + 1}-{uuid.uuid4().hex[:12]}"
    work = Path(tempfile.mkdtemp(dir=_ensure(_root() / tenant_id)))
    try:
        if current["archive"] and not rebuild:
            shutil.copytree(_unpacked(tenant_id, current["archive"]), work, dirs_exist_ok=True)
            (work / ".complete").unlink(missing_ok=True)
            index = tantivy.Index.open(str(work))
        else:
            index = tantivy.Index(search_schema.schema(), path=str(work))
        writer = index.writer(heap_size=64_000_000, num_threads=1)
        counted = change(writer)
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        documents = counted if counted is not None else index.searcher().num_docs
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as packed:
            for path in sorted(work.iterdir()):
                packed.add(path, arcname=path.name)
        aws.client("s3").put_object(
            Bucket=settings().bucket_name, Key=_key(tenant_id, archive), Body=buffer.getvalue()
        )
        took = round(time.monotonic() - began, 3)
        _advance(tenant_id, version, archive, documents, took)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _forget_old(tenant_id, version + 1)
    _pointers.pop(tenant_id, None)
    return pointer(tenant_id, fresh=True)


def _advance(tenant_id: str, version: int, archive: str, documents: int, took: float) -> None:
    condition = "attribute_not_exists(version)" if version == 0 else "version = :v"
    values = {
        ":n": {"N": str(version + 1)},
        ":a": {"S": archive},
        ":d": {"N": str(documents)},
        ":at": {"S": utc_now_iso()},
        ":ready": {"S": "ready"},
        ":took": {"N": str(took)},
    }
    if version:
        values[":v"] = {"N": str(version)}
    try:
        aws.client("dynamodb").update_item(
            TableName=table_name(),
            Key=_pointer_key(tenant_id),
            UpdateExpression=(
                "SET version = :n, #a = :a, documents = :d, builtAt = :at, #s = :ready, buildSeconds = :took"
            ),
            ConditionExpression=condition,
            ExpressionAttributeNames={"#s": "status", "#a": "archive"},
            ExpressionAttributeValues=values,
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise IndexMoved(f"the index of {tenant_id} moved past v{version}") from exc
        raise


def _version_of(name: str) -> int:
    """`v12-3fa4…` (an archive, or its directory) → 12; anything else → 0."""
    head = name.split("-", 1)[0]
    return int(head[1:]) if head[:1] == "v" and head[1:].isdigit() else 0


def _forget_old(tenant_id: str, current: int) -> None:
    """Keep the last few versions' archives (a reader may still be unpacking one, a racing writer's loser
    is among them too); drop older ones, and older local copies."""
    s3 = aws.client("s3")
    bucket = settings().bucket_name
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=_prefix(tenant_id))
    for found in listed.get("Contents", []):
        name = found["Key"].rsplit("/", 1)[-1].removesuffix(".tar.gz")
        if _version_of(name) <= current - KEEP_VERSIONS:
            s3.delete_object(Bucket=bucket, Key=found["Key"])
    for path in (_root() / tenant_id).glob("v*"):
        if 0 < _version_of(path.name) < current - 1:
            shutil.rmtree(path, ignore_errors=True)


def forget_cache() -> None:
    """Tests: drop what this process has opened and read."""
    with _lock:
        _open.clear()
        _pointers.clear()
