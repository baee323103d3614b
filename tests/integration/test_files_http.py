"""The presigned upload flow against the real moto server over HTTP, as a browser or a CLI does it:
upload-request hands out a POST form, the bytes go straight to the bucket as multipart/form-data (no SDK,
no credentials), complete verifies them, and the presigned download URL gives the same bytes back.

rbac and tenants are faked (their own suites cover them); the table, the bucket and the bytes are real.
"""

from __future__ import annotations

import hashlib
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from functions.files import complete, download, upload_request
from functions.files.manifest import SERVICE
from shared import aws
from shared.config import settings
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import set_default_transport
from stratus.provision import Provisioned, create_bucket, create_table
from tests.kit import FakeServices, call, error_code, user

pytestmark = pytest.mark.integration

JANE = user("u_jane", permissions=("file.read", "file.upload"), roles=("member",))


@pytest.fixture
def files_platform(platform: Provisioned, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ServiceEvent]]:
    """The files table and bucket on the emulator (created again in case the test registry lacks them:
    both calls are idempotent), fake rbac/tenants, and the events captured."""
    create_table(SERVICE.tables[0])
    create_bucket()
    fake = FakeServices()
    fake.on(
        "rbac", "POST", "/internal/permissions/check", lambda _r, _b: {"allowed": True, "permission": "x"}
    )
    fake.on(
        "tenants",
        "POST",
        r"/internal/tenants/acme/check-quota",
        lambda _r, b: {"allowed": True, "used": b["requestedAmount"], "limit": 10_000_000},
    )
    set_default_transport(fake)
    events: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *sent: events.extend(sent))
    yield events
    set_default_transport(None)


def multipart(fields: dict[str, str], content: bytes, file_name: str) -> tuple[bytes, str]:
    """A multipart/form-data body built by hand: the policy fields first, the file last (S3 ignores
    every field after `file`)."""
    boundary = f"----stratus{secrets.token_hex(12)}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        f"Content-Type: {fields.get('Content-Type', 'application/octet-stream')}\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post_form(url: str, fields: dict[str, str], content: bytes, file_name: str) -> int:
    body, content_type = multipart(fields, content, file_name)
    headers = {"Content-Type": content_type}
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310 - emulator
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the local emulator
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def ticket_for(content: bytes, name: str, content_type: str) -> dict[str, Any]:
    body = {"fileName": name, "fileSize": len(content), "contentType": content_type, "folder": "it"}
    status, payload = call(upload_request, body=body, caller=JANE)
    assert status == 201, payload
    ticket: dict[str, Any] = payload["data"]
    return ticket


def test_a_browser_style_post_upload_completes_and_downloads(files_platform: list[ServiceEvent]) -> None:
    content = b"%PDF-1.7\n" + secrets.token_bytes(2048) + b"\n%%EOF\n"
    # GIVEN a presigned POST form for a 2 KB PDF
    ticket = ticket_for(content, "Quarterly report.pdf", "application/pdf")
    form = ticket["upload"]
    assert form["method"] == "POST"
    assert form["url"].startswith(settings().endpoint_url or "")
    # WHEN a plain HTTP client POSTs the form with the bytes (no SDK, no AWS credentials)
    status = post_form(form["url"], form["fields"], content, "Quarterly report.pdf")
    # THEN the bucket accepts it, with the declared Content-Type from the form
    assert status in (200, 201, 204), status
    stored = aws.client("s3").head_object(Bucket=settings().bucket_name, Key=form["fields"]["key"])
    assert stored["ContentLength"] == len(content)
    assert stored["ContentType"] == "application/pdf"

    # WHEN the client completes THEN the file is available with the bytes' sha256
    status, payload = call(complete, params={"fileId": ticket["fileId"]}, caller=JANE)
    assert status == 200, payload
    assert payload["data"]["status"] == "available"
    assert payload["data"]["checksum"] == hashlib.sha256(content).hexdigest()
    assert [e.type for e in files_platform] == ["file.uploaded"]

    # WHEN the presigned download URL is fetched over HTTP THEN the very same bytes come back
    status, payload = call(download, params={"fileId": ticket["fileId"]}, caller=JANE)
    assert status == 200, payload
    with urllib.request.urlopen(payload["data"]["url"], timeout=10) as response:  # noqa: S310 - emulator
        assert response.read() == content
        assert "attachment" in (response.headers.get("Content-Disposition") or "")


def test_a_tampered_upload_is_refused_by_the_policy_or_by_complete(
    files_platform: list[ServiceEvent],
) -> None:
    """S3 rejects a POST whose size breaks `content-length-range`; moto's server does not check POST
    policies, which is exactly why complete verifies the stored object itself. Either way the larger
    file never becomes available."""
    declared = b"a" * 100
    ticket = ticket_for(declared, "small.txt", "text/plain")
    form = ticket["upload"]
    status = post_form(form["url"], form["fields"], b"a" * 5000, "small.txt")
    if status >= 400:  # the emulator enforced the policy, as S3 does
        return
    status, payload = call(complete, params={"fileId": ticket["fileId"]}, caller=JANE)
    assert status == 413, payload
    assert error_code(payload) == "FILE_TOO_LARGE"
    listing = aws.client("s3").list_objects_v2(Bucket=settings().bucket_name, Prefix="tenants/acme/")
    assert listing.get("KeyCount", 0) == 0
