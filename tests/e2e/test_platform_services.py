"""Seed 000 scenario 3 and every subscription, end to end through `stratus dev`'s gateway: files go to the
emulator's S3 by a real browser-style POST and come back byte for byte; the welcome message, the audit
trail and the metrics follow from the events — while every event is delivered twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

from shared.events import publisher
from shared.events.model import ServiceEvent
from stratus.local import LocalPlatform
from stratus.mail import sent_mail
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api
from tests.e2e.platform import eventually, fetch, post_form, tenant_with_admin, upload, whole_platform
from tests.kit import service_token_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def local() -> Iterator[LocalPlatform]:
    # Every event goes to the bus twice (two SQS messages per subscriber, one event id): at-least-once
    # delivery at its worst. No count and no record may change because of it.
    original_send = publisher.send

    def send_twice(*events: ServiceEvent) -> None:
        original_send(*events)
        original_send(*events)

    publisher.send = send_twice  # type: ignore[assignment]
    try:
        with whole_platform(
            STRATUS_REQUEST_METRICS="on",
            STRATUS_REQUEST_METRICS_FLUSH_SECONDS="0.2",
            STRATUS_ALERT_EMAILS="ops@example.com",
        ) as platform:
            yield platform
    finally:
        publisher.send = original_send  # type: ignore[assignment]


@pytest.fixture(scope="module")
def api(local: LocalPlatform) -> Api:
    return Api(local.url)


@pytest.fixture(scope="module")
def root(api: Api) -> str:
    return str(api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])


def data(reply: Any) -> Any:
    assert reply.status < 300, reply.body
    return reply.body["data"] if reply.body else None


def audit_records(api: Api, token: str, **query: str) -> list[dict[str, Any]]:
    path = "/api/v1/audit?" + "&".join(f"{k}={v}" for k, v in {"pageSize": "100", **query}.items())
    return list(data(api.call("GET", path, token=token)))


# --- scenario 3 and what follows from it ------------------------------------------------------------------
def test_register_upload_download_then_welcome_audit_and_metrics(
    api: Api, root: str, local: LocalPlatform
) -> None:
    # GIVEN a tenant and a member who registers and logs in
    admin = tenant_with_admin(api, root, "acme")
    assert api.register("ada@acme.example", "acme").status == 201
    ada = api.login("ada@acme.example", PASSWORD, "acme")
    token = ada["accessToken"]
    # WHEN she uploads a file (a real multipart POST to the presigned URL) and completes it
    content = b"hello, stratus\n" * 100
    file_id, done = upload(api, token, content, name="notes.txt", x_request_id="req-upload-ada")
    # THEN the file is available with the stored bytes' checksum, and downloads byte for byte
    record = data(done)
    assert record["status"] == "available"
    assert record["fileSize"] == len(content)
    assert record["checksum"] == hashlib.sha256(content).hexdigest()
    assert fetch(data(api.call("GET", f"/api/v1/files/{file_id}/download", token=token))["url"]) == content
    listed = api.call("GET", "/api/v1/files", token=token).body
    assert [f["fileId"] for f in listed["data"]] == [file_id]
    assert listed["pagination"]["total"] == 1

    # AND the welcome message is in her inbox and in the emulator's sent mail, once
    inbox = eventually(lambda: data(api.call("GET", "/api/v1/notifications", token=token)), what="welcome")
    assert len(inbox) == 1
    assert "welcome" in (inbox[0]["title"] + inbox[0]["type"]).lower()
    mails = eventually(
        lambda: [
            m
            for m in sent_mail(local.emulator.endpoint_url)
            if "ada@acme.example" in m["to"] and "Welcome" in m["subject"]  # not the verification link
        ],
        what="mail",
    )
    assert len(mails) == 1

    # AND the tenant admin's audit trail has the registration, the login and the upload with its request id
    def trail() -> list[dict[str, Any]] | None:
        found = audit_records(api, admin)
        kinds = {r["type"] for r in found}
        return found if {"user.created", "user.login", "file.uploaded"} <= kinds else None

    records = eventually(trail, what="audit records")
    uploaded = [r for r in records if r["type"] == "file.uploaded"]
    assert len(uploaded) == 1
    assert uploaded[0]["requestId"] == "req-upload-ada"
    event_ids = [r["eventId"] for r in records]
    assert len(event_ids) == len(set(event_ids))  # every event was delivered twice, recorded once

    # AND the metrics summary counts each once: two logins (admin, ada), two users, one upload
    def counted() -> dict[str, Any] | None:
        today = data(api.call("GET", "/api/v1/metrics/summary", token=admin))["today"]
        return (
            today if today["uploads"] >= 1 and today["logins"] >= 2 and today["usersCreated"] >= 2 else None
        )

    today = eventually(counted, what="metrics")
    assert (today["logins"], today["usersCreated"], today["uploads"]) == (2, 2, 1)
    assert today["uploadBytes"] == len(content)

    # AND the request metrics in Prometheus format carry the upload route for the tenant
    headers = {
        "X-Service-Token": service_token_for("gateway", "monitoring"),
        "X-Service-Name": "gateway",
    }

    def exposition() -> str | None:
        from tests.e2e.conftest import request

        reply = request(f"{api.base}/internal/metrics", headers=headers)
        text = str(reply.body)
        return text if 'route="/api/v1/files/upload"' in text and 'tenant_id="acme"' in text else None

    text = eventually(exposition, what="request metrics")
    assert "# TYPE http_requests_total counter" in text
    assert "http_request_duration_seconds_bucket" in text


def test_refusals_leave_nothing_behind(api: Api, root: str) -> None:
    # GIVEN a tenant with 1,000 bytes of storage and 2,000-byte files, and its admin
    admin = tenant_with_admin(api, root, "tiny", storageBytes=1000, maxFileBytes=2000)

    def used() -> int:
        return int(data(api.call("GET", "/api/v1/tenants/tiny", token=admin))["usage"]["storageBytes"])

    def request_upload(size: int, content_type: str = "text/plain") -> Any:
        body = {"fileName": "a.bin", "fileSize": size, "contentType": content_type}
        return api.call("POST", "/api/v1/files/upload", body, token=admin)

    # WHEN a file is declared small but is large in fact
    file_id, done = upload(api, admin, b"x" * 900, declared=10)
    # THEN complete refuses it and no quota stays used
    assert (done.status, done.body["error"]["code"]) == (413, "FILE_TOO_LARGE")
    assert used() == 0
    assert api.call("GET", f"/api/v1/files/{file_id}", token=admin).status == 404
    # AND over quota, too large for the plan and a forbidden type are refused with API.md's codes
    over = request_upload(1500)
    assert (over.status, over.body["error"]["code"]) == (403, "STORAGE_QUOTA_EXCEEDED")
    large = request_upload(2500)
    assert (large.status, large.body["error"]["code"]) == (413, "FILE_TOO_LARGE")
    exe = request_upload(10, "application/x-msdownload")
    assert (exe.status, exe.body["error"]["code"]) == (415, "INVALID_FILE_TYPE")
    assert used() == 0


def test_another_tenants_file_id_is_a_404_everywhere(api: Api, root: str) -> None:
    owner = tenant_with_admin(api, root, "owner-co")
    other = tenant_with_admin(api, root, "other-co")
    file_id, done = upload(api, owner, b"private bytes")
    assert done.status == 200
    for method, suffix in (("GET", ""), ("GET", "/download"), ("POST", "/complete"), ("DELETE", "")):
        reply = api.call(method, f"/api/v1/files/{file_id}{suffix}", token=other)
        assert (reply.status, reply.body["error"]["code"]) == (404, "FILE_NOT_FOUND"), (method, suffix)
    assert api.call("GET", f"/api/v1/files/{file_id}", token=owner).status == 200


def test_the_eicar_test_file_is_quarantined_and_the_admins_are_alerted(api: Api, root: str) -> None:
    admin = tenant_with_admin(api, root, "quarantine-co")
    eicar = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    file_id, done = upload(api, admin, eicar, name="eicar.com", content_type="application/octet-stream")
    assert data(done)["status"] == "quarantined"
    assert api.call("GET", f"/api/v1/files/{file_id}/download", token=admin).status == 404

    def alerted() -> list[Any] | None:
        items = data(api.call("GET", "/api/v1/notifications", token=admin))
        return [i for i in items if i["type"] == "virus_detected"] or None

    assert len(eventually(alerted, what="virus alert")) == 1


def test_a_presigned_post_carries_the_declared_size_and_type(api: Api, root: str) -> None:
    admin = tenant_with_admin(api, root, "policyco")
    body = {"fileName": "a.txt", "fileSize": 42, "contentType": "text/plain"}
    ticket = data(api.call("POST", "/api/v1/files/upload", body, token=admin))
    fields = ticket["upload"]["fields"]
    assert ticket["upload"]["method"] == "POST"
    policy = json.loads(__import__("base64").b64decode(fields["policy"]))
    assert ["content-length-range", 42, 42] in policy["conditions"]
    assert post_form(ticket["upload"]["url"], fields, b"y" * 42, "text/plain") in (200, 204)
