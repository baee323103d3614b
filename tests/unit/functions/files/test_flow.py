"""Seed 000 scenario 3 end to end on one file: request → upload → complete → list → get → download →
delete, with the tenant's quota following every step; and another tenant's ids are never found."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlparse

import pytest

from functions.files import delete, download, get
from functions.files import list as list_fn
from shared.events.model import ServiceEvent
from tests.kit import FakeServices, call, error_code
from tests.unit.functions.files.support import (
    BOB,
    INTRUDER,
    JANE,
    PDF,
    TENANT,
    Ledger,
    complete,
    count,
    object_keys,
    quota_calls,
    raw_file,
    request_upload,
    requested,
    uploaded,
)


def test_an_upload_from_request_to_delete(
    services: FakeServices, ledger: Ledger, published: list[ServiceEvent]
) -> None:
    # GIVEN jane requests an upload of a 1000-byte PDF into finance/reports
    status, payload = request_upload(JANE, name="Q3 report.pdf", folder="/finance/reports/")
    assert status == 201, payload
    ticket = payload["data"]
    file_id, form = ticket["fileId"], ticket["upload"]
    # THEN rbac was asked in seed 000's words, 1000 bytes are reserved, and the form pins type and key
    assert services.sent("rbac")[0] == {
        "userId": "u_jane",
        "tenantId": TENANT,
        "resource": "file",
        "action": "upload",
        "context": {"folder": "finance/reports", "fileSize": 1000},
    }
    assert quota_calls(services, "reserve") == [1000]
    assert ledger.used[TENANT] == 1000
    assert form["method"] == "POST"
    assert form["fields"]["Content-Type"] == "application/pdf"
    assert form["fields"]["key"].startswith(f"tenants/{TENANT}/uploads/")
    assert form["fields"]["key"].endswith(".pdf")
    assert "Q3_report_" in form["fields"]["key"]  # the stem, made key-safe
    assert form["expiresAt"].endswith("Z")

    # WHEN the client uploads the bytes and completes
    from tests.unit.functions.files.support import put_object

    put_object(form["fields"]["key"], PDF, "application/pdf")
    status, payload = complete(file_id)
    # THEN the file is available with its sha256, and file.uploaded says so
    assert status == 200, payload
    done = payload["data"]
    assert done["status"] == "available"
    assert done["checksum"] == hashlib.sha256(PDF).hexdigest()
    assert done["fileSize"] == 1000
    assert done["folder"] == "finance/reports"
    uploaded_events = [e for e in published if e.type == "file.uploaded"]
    assert len(uploaded_events) == 1
    assert uploaded_events[0].data["checksum"] == f"sha256:{done['checksum']}"
    assert uploaded_events[0].tenant_id == TENANT

    # AND it is listed (in its folder and in the tenant's listing) and readable
    status, payload = call(list_fn, query={"folder": "finance/reports"}, caller=BOB)
    assert status == 200
    assert [f["fileId"] for f in payload["data"]] == [file_id]
    assert payload["pagination"]["total"] == 1
    status, payload = call(list_fn, caller=BOB)
    assert [f["fileId"] for f in payload["data"]] == [file_id]
    status, payload = call(get, params={"fileId": file_id}, caller=BOB)
    assert status == 200
    assert payload["data"]["fileName"] == "Q3 report.pdf"
    assert "key" not in payload["data"]

    # AND downloadable through a presigned GET for its key, announced as file.downloaded
    status, payload = call(download, params={"fileId": file_id}, caller=BOB)
    assert status == 200, payload
    url = urlparse(payload["data"]["url"])
    assert url.path.endswith(form["fields"]["key"])
    assert "attachment" in parse_qs(url.query)["response-content-disposition"][0]
    assert [e.type for e in published].count("file.downloaded") == 1

    # WHEN jane deletes it
    status, _ = call(delete, params={"fileId": file_id}, caller=JANE)
    # THEN the object, the record and the count are gone, the 1000 bytes released, file.deleted published
    assert status == 204
    assert object_keys() == []
    assert raw_file(TENANT, file_id) is None
    assert count(TENANT) == 0
    assert count(TENANT, "FOLDER#finance/reports") == 0
    assert quota_calls(services, "release") == [1000]
    assert ledger.used[TENANT] == 0
    deleted = [e for e in published if e.type == "file.deleted"]
    assert [e.data["fileSize"] for e in deleted] == [1000]
    # AND it is not found any more
    assert call(get, params={"fileId": file_id}, caller=JANE)[0] == 404


def test_deleting_a_pending_upload_releases_the_declared_size(services: FakeServices, ledger: Ledger) -> None:
    status, payload = request_upload(JANE, size=4321)
    file_id = payload["data"]["fileId"]
    status, _ = call(delete, params={"fileId": file_id}, caller=JANE)
    assert status == 204
    assert quota_calls(services, "release") == [4321]
    assert ledger.used.get(TENANT) == 0


def test_deleting_someone_elses_file_needs_file_delete(services: FakeServices) -> None:
    # GIVEN jane's file and bob, a member without file.delete
    file_id = uploaded()
    # WHEN bob deletes it THEN 403, and nothing was released
    status, payload = call(delete, params={"fileId": file_id}, caller=BOB)
    assert status == 403
    assert error_code(payload) == "PERMISSION_DENIED"
    assert quota_calls(services, "release") == []
    # AND a holder of file.delete may
    admin = JANE.model_copy(update={"user_id": "u_root", "permissions": ("file.delete",)})
    assert call(delete, params={"fileId": file_id}, caller=admin)[0] == 204


def test_a_second_delete_is_404_and_releases_nothing_more(services: FakeServices) -> None:
    file_id = uploaded()
    assert call(delete, params={"fileId": file_id}, caller=JANE)[0] == 204
    status, payload = call(delete, params={"fileId": file_id}, caller=JANE)
    assert status == 404
    assert error_code(payload) == "FILE_NOT_FOUND"
    assert quota_calls(services, "release") == [len(PDF)]


@pytest.mark.parametrize("module", [get, download, delete])
def test_another_tenants_file_is_not_found(module: object, services: FakeServices) -> None:
    # GIVEN jane's file in acme, and eve, an admin of globex
    file_id = uploaded()
    # WHEN eve names it THEN 404 FILE_NOT_FOUND, and nothing happened to it
    status, payload = call(module, params={"fileId": file_id}, caller=INTRUDER)  # type: ignore[arg-type]
    assert status == 404
    assert error_code(payload) == "FILE_NOT_FOUND"
    assert raw_file(TENANT, file_id) is not None
    assert quota_calls(services, "release") == []


def test_another_tenants_pending_upload_cannot_be_completed() -> None:
    file_id, _key = requested()
    status, payload = complete(file_id, INTRUDER)
    assert status == 404
    assert error_code(payload) == "FILE_NOT_FOUND"
    assert raw_file(TENANT, file_id).status == "pending"  # type: ignore[union-attr]


@pytest.mark.parametrize("file_id", ["nope", "f_" + "0" * 32, "f_" + "A" * 32, "f_%23"])
def test_unknown_or_malformed_ids_are_404(file_id: str) -> None:
    status, payload = call(get, params={"fileId": file_id}, caller=JANE)
    assert status == 404
    assert error_code(payload) == "FILE_NOT_FOUND"


def test_a_pending_upload_is_not_downloadable_or_listed() -> None:
    file_id, _key = requested()
    assert call(download, params={"fileId": file_id}, caller=JANE)[0] == 404
    _status, payload = call(list_fn, caller=JANE)
    assert payload["data"] == []
    assert payload["pagination"]["total"] == 0
    # but it can be read, showing it is pending
    assert call(get, params={"fileId": file_id}, caller=JANE)[1]["data"]["status"] == "pending"


def test_reads_need_file_read() -> None:
    file_id = uploaded()
    nobody = JANE.model_copy(update={"permissions": ()})
    for module, params in ((get, {"fileId": file_id}), (download, {"fileId": file_id}), (list_fn, None)):
        status, payload = call(module, params=params, caller=nobody)
        assert status == 403, module
        assert error_code(payload) == "PERMISSION_DENIED"


def test_a_replaced_object_is_not_served() -> None:
    # GIVEN a completed file whose object is replaced afterwards (the POST policy is still valid)
    from tests.unit.functions.files.support import put_object

    file_id, key = requested()
    assert complete(file_id)[0] == 200
    put_object(key, b"X" * len(PDF), "application/pdf")
    # WHEN someone asks for the download THEN the unverified content is not handed out
    status, payload = call(download, params={"fileId": file_id}, caller=JANE)
    assert status == 404
    assert error_code(payload) == "FILE_NOT_FOUND"


def test_active_content_allowed_by_a_deployment_is_served_as_an_opaque_attachment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a deployment that allows SVG by name, and an SVG that was uploaded and verified
    from shared.config import settings

    monkeypatch.setenv("STRATUS_FILE_TYPES", "image/svg+xml")
    settings.cache_clear()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    file_id = uploaded(svg, content_type="image/svg+xml", name="logo.svg")
    # WHEN it is downloaded
    status, payload = call(download, params={"fileId": file_id}, caller=BOB)
    # THEN the link serves opaque bytes to save, never a document a browser would run
    assert status == 200, payload
    query = parse_qs(urlparse(payload["data"]["url"]).query)
    assert query["response-content-type"] == ["application/octet-stream"]
    assert query["response-content-disposition"][0].startswith("attachment;")
