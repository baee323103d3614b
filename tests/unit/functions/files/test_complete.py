"""complete: the stored object is checked against what was declared and reserved. A mismatch undoes the
upload (object, reservation, record) and is refused; EICAR is quarantined; a second complete changes
nothing, even when two run at once."""

from __future__ import annotations

from typing import Any

import pytest

from functions.files import get
from functions.files.scanning import EICAR
from shared.events.model import ServiceEvent
from tests.kit import FakeServices, call, error_code
from tests.unit.functions.files.fakes import FakeBucket
from tests.unit.functions.files.support import (
    BOB,
    JANE,
    PDF,
    TENANT,
    Ledger,
    complete,
    count,
    object_keys,
    put_object,
    quota_calls,
    raw_file,
    request_upload,
    requested,
)


def declared_then_put(declared: int, content: bytes, content_type: str = "application/pdf") -> str:
    """Request an upload declaring `declared` bytes, then store `content` (the emulator, like a client
    with a tampered form, does not enforce the POST policy)."""
    status, payload = request_upload(JANE, size=declared)
    assert status == 201
    put_object(payload["data"]["upload"]["fields"]["key"], content, content_type)
    return str(payload["data"]["fileId"])


def assert_undone(services: FakeServices, ledger: Ledger, file_id: str, declared: int) -> None:
    assert raw_file(TENANT, file_id) is None
    assert object_keys() == []
    assert quota_calls(services, "release") == [declared]
    assert ledger.used[TENANT] == 0
    assert count(TENANT) == 0


def test_larger_than_declared_is_413_and_undone(services: FakeServices, ledger: Ledger) -> None:
    # GIVEN 10 bytes declared (and reserved) but 5000 stored
    file_id = declared_then_put(10, b"A" * 5000)
    # WHEN jane completes THEN 413, and the object, the reservation and the record are gone
    status, payload = complete(file_id)
    assert status == 413
    assert error_code(payload) == "FILE_TOO_LARGE"
    assert_undone(services, ledger, file_id, 10)


def test_smaller_than_declared_is_400_and_undone(services: FakeServices, ledger: Ledger) -> None:
    file_id = declared_then_put(5000, b"A" * 10)
    status, payload = complete(file_id)
    assert status == 400
    assert error_code(payload) == "INVALID_REQUEST"
    assert payload["error"]["field"] == "fileSize"
    assert_undone(services, ledger, file_id, 5000)


def test_another_type_than_declared_is_415_and_undone(services: FakeServices, ledger: Ledger) -> None:
    file_id = declared_then_put(len(PDF), PDF, content_type="text/html")
    status, payload = complete(file_id)
    assert status == 415
    assert error_code(payload) == "INVALID_FILE_TYPE"
    assert_undone(services, ledger, file_id, len(PDF))


def test_completing_before_the_upload_is_400_and_keeps_the_upload_open(services: FakeServices) -> None:
    status, payload = request_upload(JANE)
    file_id = payload["data"]["fileId"]
    status, payload = complete(file_id)
    assert status == 400
    assert error_code(payload) == "INVALID_REQUEST"
    # the client may still upload and complete
    assert raw_file(TENANT, file_id).status == "pending"  # type: ignore[union-attr]
    assert quota_calls(services, "release") == []


@pytest.mark.parametrize("tail", [b"", b"\r\n", b"  \t\n\x1a"])
def test_the_eicar_test_file_is_quarantined(
    tail: bytes, services: FakeServices, ledger: Ledger, published: list[ServiceEvent]
) -> None:
    # GIVEN an upload of the EICAR test file
    file_id, key = requested(EICAR + tail, content_type="text/plain", name="eicar.com.txt")
    # WHEN jane completes it
    status, payload = complete(file_id)
    # THEN 200 with status quarantined; the object moved under quarantine/, the reservation is released
    assert status == 200, payload
    assert payload["data"]["status"] == "quarantined"
    assert object_keys() == [f"quarantine/{key}"]
    assert quota_calls(services, "release") == [len(EICAR + tail)]
    assert ledger.used[TENANT] == 0
    assert count(TENANT) == 0
    # AND file.virus_detected names the signature and the quarantined copy; no file.uploaded
    detected = [e for e in published if e.type == "file.virus_detected"]
    assert len(detected) == 1
    assert detected[0].data["quarantineKey"] == f"quarantine/{key}"
    assert detected[0].data["signature"] == "EICAR-Test-File"
    assert not [e for e in published if e.type == "file.uploaded"]
    # AND the record says what happened
    assert call(get, params={"fileId": file_id}, caller=JANE)[1]["data"]["status"] == "quarantined"


def test_completing_a_quarantined_file_again_changes_nothing(
    services: FakeServices, published: list[ServiceEvent]
) -> None:
    file_id, _key = requested(EICAR, content_type="text/plain")
    assert complete(file_id)[1]["data"]["status"] == "quarantined"
    status, payload = complete(file_id)
    assert status == 200
    assert payload["data"]["status"] == "quarantined"
    assert quota_calls(services, "release") == [len(EICAR)]
    assert len([e for e in published if e.type == "file.virus_detected"]) == 1


def test_deleting_a_quarantined_file_releases_nothing_more(services: FakeServices) -> None:
    from functions.files import delete

    file_id, _key = requested(EICAR, content_type="text/plain")
    complete(file_id)
    assert call(delete, params={"fileId": file_id}, caller=JANE)[0] == 204
    assert quota_calls(services, "release") == [len(EICAR)]
    assert object_keys() == []


def test_eicar_inside_a_larger_file_is_not_the_test_file() -> None:
    file_id, _key = requested(EICAR + b"\nand then real content", content_type="text/plain")
    assert complete(file_id)[1]["data"]["status"] == "available"


def test_completing_twice_is_idempotent(services: FakeServices, published: list[ServiceEvent]) -> None:
    file_id, _key = requested()
    first = complete(file_id)[1]["data"]
    status, payload = complete(file_id)
    assert status == 200
    assert payload["data"] == first
    assert count(TENANT) == 1
    assert len([e for e in published if e.type == "file.uploaded"]) == 1
    assert quota_calls(services, "release") == []


def test_two_concurrent_completes_count_once(
    monkeypatch: pytest.MonkeyPatch, published: list[ServiceEvent], bucket: FakeBucket
) -> None:
    # GIVEN a complete that, while it reads the object, is overtaken by another complete of the same file
    file_id, _key = requested()
    real = bucket.digest

    def overtaken(key: str, *, etag: str) -> Any:
        monkeypatch.setattr(bucket, "digest", real)
        assert complete(file_id)[0] == 200  # the other one finishes first
        return real(key, etag=etag)

    monkeypatch.setattr(bucket, "digest", overtaken)
    # WHEN the first one finishes THEN it answers the available file, counted and announced once
    status, payload = complete(file_id)
    assert status == 200
    assert payload["data"]["status"] == "available"
    assert count(TENANT) == 1
    assert count(TENANT, "FOLDER#root") == 1
    assert len([e for e in published if e.type == "file.uploaded"]) == 1


def test_two_concurrent_quarantines_release_once(
    services: FakeServices, monkeypatch: pytest.MonkeyPatch, bucket: FakeBucket
) -> None:
    file_id, _key = requested(EICAR, content_type="text/plain")
    real = bucket.copy

    def overtaken(source: str, target: str, *, etag: str) -> None:
        monkeypatch.setattr(bucket, "copy", real)
        assert complete(file_id)[1]["data"]["status"] == "quarantined"
        real(source, target, etag=etag)

    monkeypatch.setattr(bucket, "copy", overtaken)
    status, payload = complete(file_id)
    assert status == 200
    assert payload["data"]["status"] == "quarantined"
    assert quota_calls(services, "release") == [len(EICAR)]


def test_completing_someone_elses_upload_needs_file_upload() -> None:
    file_id, _key = requested()
    reader = BOB.model_copy(update={"permissions": ("file.read",)})
    status, payload = complete(file_id, reader)
    assert status == 403
    assert error_code(payload) == "PERMISSION_DENIED"
    # a holder of file.upload may complete it for her
    status, payload = complete(file_id, BOB)
    assert status == 200
    assert payload["data"]["ownerId"] == "u_jane"
