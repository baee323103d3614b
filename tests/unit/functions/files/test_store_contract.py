"""The store and bucket contracts (`ports.FilesStore`, `ports.ObjectStore`), run on both adapters: the
DynamoDB store and S3 bucket over moto, and the in-memory fakes the domain tests use. What the domain
relies on — status changes decided by the store, counts moved with them, events staged with the write,
listings newest first with cursors bound to their listing, objects pinned to an ETag — holds on both, so
a domain test on the fakes means what it says."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

import pytest

from functions.files import objects as s3_bucket
from functions.files import store as dynamodb_store
from functions.files.layout import FileRecord
from functions.files.objects import ObjectChanged
from functions.files.ports import FilesStore, ObjectStore
from shared import aws, outbox
from shared.config import settings
from shared.errors import InvalidRequest, ServiceUnavailable
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox
from tests.kit import event
from tests.unit.functions.files.fakes import FakeBucket, FakeFilesStore

NOW = "2025-01-02T00:00:00.000Z"


@dataclass
class Adapter:
    store: FilesStore
    bucket: ObjectStore
    put_object: Callable[[str, bytes, str], None]
    pending: Callable[[], int]


def _s3_put(key: str, content: bytes, content_type: str) -> None:
    aws.client("s3").put_object(
        Bucket=settings().bucket_name, Key=key, Body=content, ContentType=content_type
    )


@pytest.fixture(params=["fake", "dynamodb"])
def adapter(request: pytest.FixtureRequest, fake_outbox: InMemoryOutbox) -> Adapter:
    if request.param == "fake":
        bucket = FakeBucket()
        return Adapter(FakeFilesStore(fake_outbox), bucket, bucket.put, lambda: len(fake_outbox.pending))
    request.getfixturevalue("dynamodb")
    return Adapter(dynamodb_store, s3_bucket, _s3_put, outbox.pending_count)


def pending(
    file_id: str = "f_" + "1" * 32,
    *,
    tenant: str = "acme",
    folder: str = "root",
    created: str = NOW,
    size: int = 10,
) -> FileRecord:
    return FileRecord(
        tenant_id=tenant,
        file_id=file_id,
        file_name="report.pdf",
        file_size=size,
        content_type="application/pdf",
        folder=folder,
        key=f"tenants/{tenant}/uploads/20250102/report_{file_id}.pdf",
        status="pending",
        owner_id="u_jane",
        created_at=created,
        updated_at=created,
    )


def uploaded_event(record: FileRecord) -> ServiceEvent:
    data = {
        "fileId": record.file_id,
        "fileName": record.file_name,
        "fileSize": record.file_size,
        "contentType": record.content_type,
        "folder": record.folder,
        "checksum": "sha256:" + "0" * 64,
        "key": record.key,
        "ownerId": record.owner_id,
    }
    return event("file.uploaded", data, source="files", tenant_id=record.tenant_id)


def available(adapter: Adapter, record: FileRecord) -> FileRecord:
    assert adapter.store.make_available(record, checksum="0" * 64, etag='"e"', now=NOW)
    found = adapter.store.get(record.tenant_id, record.file_id)
    assert found is not None
    return found


def test_a_pending_upload_is_stored_once_and_read_back_whole(adapter: Adapter) -> None:
    record = pending()
    adapter.store.insert_pending(record)
    assert adapter.store.get("acme", record.file_id) == record
    with pytest.raises(ServiceUnavailable):
        adapter.store.insert_pending(record)  # a fresh id is never taken; if it is, nothing is overwritten
    # AND another tenant's key never finds it
    assert adapter.store.get("globex", record.file_id) is None


def test_completion_happens_once_counts_once_and_stages_its_event_with_it(adapter: Adapter) -> None:
    record = pending(folder="finance")
    adapter.store.insert_pending(record)
    uploaded = uploaded_event(record)
    assert adapter.store.make_available(record, checksum="ab", etag='"e1"', now=NOW, events=[uploaded])
    assert adapter.pending() == 1
    # WHEN a second complete (read while it was pending) tries THEN nothing changes, nothing is staged
    assert not adapter.store.make_available(record, checksum="cd", etag='"e2"', now=NOW, events=[uploaded])
    assert not adapter.store.quarantine(record, quarantine_key="q", now=NOW)
    assert adapter.pending() == 1
    found = adapter.store.get("acme", record.file_id)
    assert found is not None
    assert (found.status, found.checksum, found.etag) == ("available", "ab", '"e1"')
    assert (adapter.store.total("acme", None), adapter.store.total("acme", "finance")) == (1, 1)
    assert adapter.store.total("acme", "root") == 0


def test_a_quarantined_file_is_in_no_listing_and_not_counted(adapter: Adapter) -> None:
    record = pending()
    adapter.store.insert_pending(record)
    assert adapter.store.quarantine(record, quarantine_key="quarantine/x", now=NOW)
    found = adapter.store.get("acme", record.file_id)
    assert found is not None
    assert (found.status, found.quarantine_key) == ("quarantined", "quarantine/x")
    assert adapter.store.page("acme", folder=None, page_size=10, cursor=None)[0] == []
    assert adapter.store.held_by("acme") == (0, 0, 0)
    assert adapter.store.pending_before("2030-01-01T00:00:00.000Z", 10) == []


def test_a_remove_is_claimed_on_the_status_read(adapter: Adapter) -> None:
    record = pending()
    adapter.store.insert_pending(record)
    done = available(adapter, record)
    # GIVEN a stale read (pending) WHEN removed THEN refused: the record is not the one read
    assert not adapter.store.remove(record)
    deleted = event(
        "file.deleted",
        {"fileId": record.file_id, "fileName": "report.pdf", "fileSize": 10, "status": "available"},
        source="files",
    )
    assert adapter.store.remove(done, events=[deleted])
    assert adapter.pending() == 1
    assert adapter.store.get("acme", record.file_id) is None
    assert adapter.store.total("acme", None) == 0
    # AND a second remove claims nothing
    assert not adapter.store.remove(done)
    assert adapter.store.total("acme", None) == 0


def test_listings_are_newest_first_by_page_and_a_cursor_is_bound_to_its_listing(adapter: Adapter) -> None:
    records = [pending(f"f_{i:032x}", folder="a", created=f"2025-01-0{i}T00:00:00.000Z") for i in range(1, 6)]
    for record in records:
        adapter.store.insert_pending(record)
        available(adapter, record)
    first, cursor = adapter.store.page("acme", folder="a", page_size=2, cursor=None)
    assert [r.file_id for r in first] == [records[4].file_id, records[3].file_id]
    assert cursor is not None
    second, _ = adapter.store.page("acme", folder="a", page_size=2, cursor=cursor)
    assert [r.file_id for r in second] == [records[2].file_id, records[1].file_id]
    everything, _ = adapter.store.page("acme", folder=None, page_size=10, cursor=None)
    assert [r.file_id for r in everything] == [r.file_id for r in reversed(records)]
    # THEN the folder's cursor is refused in another folder and in another tenant
    with pytest.raises(InvalidRequest):
        adapter.store.page("acme", folder="b", page_size=2, cursor=cursor)
    with pytest.raises(InvalidRequest):
        adapter.store.page("globex", folder="a", page_size=2, cursor=cursor)
    assert adapter.store.page("globex", folder=None, page_size=10, cursor=None)[0] == []


def test_pending_uploads_are_found_by_age_across_tenants_and_held_bytes_by_tenant(adapter: Adapter) -> None:
    old = pending("f_" + "a" * 32, created="2020-01-01T00:00:00.000Z", size=100)
    older = pending("f_" + "b" * 32, tenant="globex", created="2019-01-01T00:00:00.000Z", size=200)
    young = pending("f_" + "c" * 32, size=300)
    done = pending("f_" + "d" * 32, created="2018-01-01T00:00:00.000Z", size=400)
    for record in (old, older, young, done):
        adapter.store.insert_pending(record)
    available(adapter, done)
    found = adapter.store.pending_before("2021-01-01T00:00:00.000Z", 10)
    assert [r.file_id for r in found] == [older.file_id, old.file_id]  # oldest first, pending only
    assert len(adapter.store.pending_before("2021-01-01T00:00:00.000Z", 1)) == 1
    assert adapter.store.held_by("acme") == (100 + 300 + 400, 2, 1)
    assert adapter.store.held_by("globex") == (200, 1, 0)


def test_an_object_is_read_only_while_it_is_the_version_seen(adapter: Adapter) -> None:
    assert adapter.bucket.head("tenants/acme/x.pdf") is None
    adapter.put_object("tenants/acme/x.pdf", b"%PDF-1.7 first", "application/pdf")
    seen = adapter.bucket.head("tenants/acme/x.pdf")
    assert seen is not None
    assert (seen.size, seen.content_type) == (14, "application/pdf")
    digest = adapter.bucket.digest("tenants/acme/x.pdf", etag=seen.etag)
    assert (digest.size, digest.head[:8]) == (14, b"%PDF-1.7")
    adapter.bucket.copy("tenants/acme/x.pdf", "quarantine/tenants/acme/x.pdf", etag=seen.etag)
    assert adapter.bucket.head("quarantine/tenants/acme/x.pdf") is not None
    # WHEN the object is replaced THEN reads pinned to the old version are refused
    adapter.put_object("tenants/acme/x.pdf", b"something else", "application/pdf")
    assert adapter.bucket.head("tenants/acme/x.pdf", etag=seen.etag) is None
    with pytest.raises(ObjectChanged):
        adapter.bucket.digest("tenants/acme/x.pdf", etag=seen.etag)
    # AND deleting is idempotent
    adapter.bucket.delete("tenants/acme/x.pdf")
    adapter.bucket.delete("tenants/acme/x.pdf")
    assert adapter.bucket.head("tenants/acme/x.pdf") is None


def test_signed_forms_and_links_name_the_key(adapter: Adapter) -> None:
    _url, fields = adapter.bucket.presigned_post(
        "tenants/acme/u/a.pdf", content_type="application/pdf", size=5
    )
    assert (fields["key"], fields["Content-Type"]) == ("tenants/acme/u/a.pdf", "application/pdf")
    link = adapter.bucket.presigned_get(
        "tenants/acme/u/a.pdf", file_name="a b.pdf", content_type="application/pdf"
    )
    assert "tenants/acme/u/a.pdf" in link
    assert "attachment" in unquote(link)
