"""The exports' contracts (`export_ports.ExportsStore`, `export_ports.ExportBucket`) on both adapters: the
DynamoDB store and S3 over moto, and the in-memory fakes the export tests use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from io import BytesIO

import pytest

from functions.files import export_bucket as s3_exports
from functions.files import export_store as dynamodb_exports
from functions.files import store as dynamodb_files
from functions.files.export_ports import ExportBucket, ExportRecord, ExportsStore
from functions.files.layout import FileRecord
from functions.files.ports import FilesStore
from shared import aws, outbox
from shared.config import settings
from shared.errors import ServiceUnavailable
from tests.fakes.outbox import InMemoryOutbox
from tests.kit import event
from tests.unit.functions.files.export_fakes import FakeExportBucket, FakeExportsStore
from tests.unit.functions.files.fakes import FakeBucket, FakeFilesStore

NOW = "2026-01-01T00:00:00.000Z"
EXPORT = ExportRecord("acme", "exp_" + "1" * 32, "pending", 0, "u_admin", NOW, NOW)


@dataclass
class Adapter:
    exports: ExportsStore
    files: FilesStore
    bucket: ExportBucket
    put_object: Callable[[str, bytes], None]
    pending: Callable[[], int]


def _s3_put(key: str, content: bytes) -> None:
    aws.client("s3").put_object(Bucket=settings().bucket_name, Key=key, Body=content)


@pytest.fixture(params=["fake", "dynamodb"])
def adapter(request: pytest.FixtureRequest, fake_outbox: InMemoryOutbox) -> Adapter:
    if request.param == "fake":
        files, bucket = FakeFilesStore(fake_outbox), FakeBucket()
        return Adapter(
            FakeExportsStore(files, fake_outbox),
            files,
            FakeExportBucket(bucket),
            lambda key, content: bucket.put(key, content, "application/octet-stream"),
            lambda: len(fake_outbox.pending),
        )
    request.getfixturevalue("dynamodb")
    return Adapter(dynamodb_exports, dynamodb_files, s3_exports, _s3_put, outbox.pending_count)


def a_file(file_id: str, tenant: str = "acme") -> FileRecord:
    return FileRecord(
        tenant_id=tenant,
        file_id=file_id,
        file_name="a.pdf",
        file_size=3,
        content_type="application/pdf",
        folder="root",
        key=f"tenants/{tenant}/uploads/20260101/{file_id}.pdf",
        status="pending",
        owner_id="u_1",
        created_at=NOW,
        updated_at=NOW,
    )


def test_an_export_is_recorded_once_with_its_event_and_moved_only_while_it_exists(adapter: Adapter) -> None:
    requested = event(
        "tenant.export_requested",
        {"tenantId": "acme", "exportId": EXPORT.export_id, "requestedBy": "u_admin"},
        source="files",
    )
    adapter.exports.insert(EXPORT, keep_seconds=3600, events=[requested])
    assert adapter.pending() == 1
    assert adapter.exports.get("acme", EXPORT.export_id) == EXPORT
    assert adapter.exports.get("globex", EXPORT.export_id) is None
    with pytest.raises(ServiceUnavailable):
        adapter.exports.insert(EXPORT, keep_seconds=3600)
    assert adapter.exports.update("acme", EXPORT.export_id, status="completed", progress=100, size_bytes=42)
    after = adapter.exports.get("acme", EXPORT.export_id)
    assert after is not None
    assert (after.status, after.progress, after.size_bytes, after.error) == ("completed", 100, 42, None)
    assert after.updated_at >= NOW
    assert not adapter.exports.update("acme", "exp_" + "2" * 32, status="running")
    assert adapter.exports.get("acme", "exp_" + "2" * 32) is None  # an update never creates one


def test_an_export_past_its_keeping_is_gone(adapter: Adapter) -> None:
    adapter.exports.insert(replace(EXPORT, export_id="exp_" + "3" * 32), keep_seconds=-1)
    assert adapter.exports.get("acme", "exp_" + "3" * 32) is None


def test_the_tenants_file_records_are_all_read_and_no_one_elses(adapter: Adapter) -> None:
    for record in (
        a_file("f_1"),
        a_file("f_2"),
        a_file("f_3", tenant="acme-2"),
        a_file("f_4", tenant="globex"),
    ):
        adapter.files.insert_pending(record)
    adapter.exports.insert(EXPORT, keep_seconds=3600)  # not a file record
    assert sorted(r.file_id for r in adapter.exports.file_records("acme")) == ["f_1", "f_2"]
    assert list(adapter.exports.file_records("initech")) == []


def test_the_bucket_uploads_reads_under_a_prefix_and_deletes_in_batches(adapter: Adapter) -> None:
    adapter.bucket.upload("exports/acme/exp_1.zip", BytesIO(b"zip"), content_type="application/zip")
    for name in ("a", "b", "c"):
        adapter.put_object(f"tenants/acme/uploads/{name}.pdf", name.encode())
    adapter.put_object("tenants/acme-2/uploads/z.pdf", b"z")
    read = {key: body.read() for key, body in adapter.bucket.objects_under("tenants/acme/")}
    assert read == {f"tenants/acme/uploads/{n}.pdf": n.encode() for n in ("a", "b", "c")}
    assert [key for key, _ in adapter.bucket.objects_under("exports/acme/")] == ["exports/acme/exp_1.zip"]
    assert adapter.bucket.delete_under("tenants/acme/", limit=2) == 2
    assert adapter.bucket.delete_under("tenants/acme/", limit=2) == 1
    assert adapter.bucket.delete_under("tenants/acme/", limit=2) == 0
    assert [key for key, _ in adapter.bucket.objects_under("tenants/")] == ["tenants/acme-2/uploads/z.pdf"]
