"""Tenant offboarding's export on the in-memory stores: who may ask (a tenant admin of that tenant or a
platform admin), the request recorded with its event (and the event kept when the bus is down), the
archive built part by part from the owners' typed clients and files' own records and objects, the status
and its link, and the purge of a deleted tenant's objects."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from typing import Any

import pytest

from functions.files import export_get, export_ports, export_request, exports
from functions.files.layout import FileRecord
from shared.errors import QueueUnavailable, ServiceUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from tests.fakes.outbox import InMemoryOutbox
from tests.kit import FakeServices, call, error_code, event, user
from tests.unit.functions.files.fakes import FakeBucket, FakeFilesStore

ADMIN = user("u_admin", tenant="acme")
ROOT = user("u_root", tenant="platform")
MEMBER = user("u_member", tenant="acme", permissions=("file.read",), roles=("member",))


@pytest.fixture(autouse=True)
def owners(services: FakeServices) -> FakeServices:
    """tenants (acme exists) and the owners of the other parts, each with one page of the tenant's data."""
    services.on("tenants", "GET", r"/internal/tenants/acme/validate", lambda r, b: _tenant())
    services.on("tenants", "GET", r"/internal/tenants/[^/]+/validate", lambda r, b: (404, _unknown()))
    services.on("users", "POST", "/internal/users/tenant-export", lambda r, b: _page({"userId": "u_1"}))
    services.on(
        "rbac",
        "POST",
        "/internal/rbac/tenant-export",
        lambda r, b: _page({"userId": "u_1", "roles": ["member"]}),
    )
    services.on(
        "notification",
        "POST",
        "/internal/notifications/tenant-export",
        lambda r, b: _page({"userId": b["userIds"][0]}),
    )
    services.on(
        "audit", "POST", "/internal/audit/tenant-export", lambda r, b: _page({"action": "user.login"})
    )
    return services


def _tenant() -> dict[str, Any]:
    return {"tenantId": "acme", "status": "active", "plan": "free"}


def _unknown() -> dict[str, Any]:
    return {"code": "TENANT_NOT_FOUND", "message": "No such tenant"}


def _page(*items: dict[str, Any]) -> dict[str, Any]:
    return {"items": list(items), "nextCursor": None}


def ask(tenant: str = "acme", caller: Any = ADMIN) -> tuple[int, dict[str, Any]]:
    return call(export_request, params={"tenantId": tenant}, caller=caller)


def status(export_id: str, tenant: str = "acme", caller: Any = ADMIN) -> tuple[int, dict[str, Any]]:
    return call(export_get, params={"tenantId": tenant, "exportId": export_id}, caller=caller)


def requested(published: list[ServiceEvent]) -> ServiceEvent:
    [found] = [e for e in published if e.type == "tenant.export_requested"]
    return found


def a_file(file_id: str, status: str = "available") -> FileRecord:
    return FileRecord(
        tenant_id="acme",
        file_id=file_id,
        file_name=f"{file_id}.pdf",
        file_size=3,
        content_type="application/pdf",
        folder="/",
        key=f"tenants/acme/uploads/20260101/{file_id}.pdf",
        status=status,
        owner_id="u_1",
        created_at="2026-01-01T00:00:00.000Z",
        updated_at="2026-01-01T00:00:00.000Z",
    )


# --- asking ------------------------------------------------------------------------------------------
def test_a_tenant_admin_asks_and_the_request_is_recorded_with_its_event(
    published: list[ServiceEvent],
) -> None:
    status_code, body = ask()
    assert status_code == 202
    export_id = body["data"]["exportId"]
    assert requested(published).data == {"tenantId": "acme", "exportId": export_id, "requestedBy": "u_admin"}
    pending = status(export_id)[1]["data"]
    assert (pending["exportId"], pending["status"], pending["progress"]) == (export_id, "pending", 0)
    assert pending["url"] is None
    # AND a platform admin may export any tenant
    assert ask(caller=ROOT)[0] == 202


def test_a_member_is_403_and_another_tenants_admin_is_404_for_both_routes(
    published: list[ServiceEvent],
) -> None:
    code, body = ask(caller=MEMBER)
    assert (code, error_code(body)) == (403, "PERMISSION_DENIED")
    code, body = ask(tenant="globex")
    assert (code, error_code(body)) == (404, "TENANT_NOT_FOUND")
    assert published == []
    export_id = ask()[1]["data"]["exportId"]
    assert status(export_id, caller=user("u_admin", tenant="globex"), tenant="acme")[0] == 404
    assert status(export_id, caller=MEMBER)[0] == 403


def test_an_unknown_or_malformed_export_id_is_404() -> None:
    for export_id in ("exp_" + "0" * 32, "exp_nope", "x" * 64):
        code, body = status(export_id)
        assert (code, error_code(body)) == (404, "FILE_NOT_FOUND")


def test_when_the_bus_is_down_the_request_still_stands_and_its_event_waits(
    monkeypatch: pytest.MonkeyPatch, fake_outbox: InMemoryOutbox
) -> None:
    def down(*_: ServiceEvent) -> None:
        raise QueueUnavailable("bus down")

    monkeypatch.setattr(publisher, "send", down)
    code, body = ask()
    assert code == 202
    [waiting] = fake_outbox.pending
    assert (waiting.type, waiting.data["exportId"]) == ("tenant.export_requested", body["data"]["exportId"])


# --- building ----------------------------------------------------------------------------------------
def test_the_archive_holds_every_part_and_the_status_links_to_it(
    published: list[ServiceEvent], files_store: FakeFilesStore, bucket: FakeBucket
) -> None:
    # GIVEN acme's files: one available with its object, one quarantined (its record only), and globex's
    available, quarantined = a_file("f_1"), a_file("f_2", status="quarantined")
    for record in (available, quarantined, replace(a_file("f_9"), tenant_id="globex")):
        files_store.files[record.tenant_id, record.file_id] = record
    bucket.put(available.key, b"pdf", "application/pdf")
    bucket.put("quarantine/" + quarantined.key, b"bad", "application/pdf")
    export_id = ask()[1]["data"]["exportId"]
    # WHEN files' subscriber builds it
    exports.build(requested(published))
    # THEN it is complete, with its size and a link
    answer = status(export_id)[1]["data"]
    assert (answer["status"], answer["progress"]) == ("completed", 100)
    assert answer["url"].startswith(FakeBucket.URL + "/" + exports.archive_key("acme", export_id))
    archive = zipfile.ZipFile(io.BytesIO(bucket.objects[exports.archive_key("acme", export_id)].content))
    assert answer["sizeBytes"] == len(bucket.objects[exports.archive_key("acme", export_id)].content)
    # AND every part is in it: the owners' pages, acme's file records (all of them), its uploaded objects
    assert sorted(archive.namelist()) == [
        "audit.jsonl",
        "files.jsonl",
        "notifications.jsonl",
        "objects/uploads/20260101/f_1.pdf",
        "roles.jsonl",
        "tenant.json",
        "users.jsonl",
    ]
    files = [json.loads(line) for line in archive.read("files.jsonl").splitlines()]
    assert [(f["fileId"], f["status"]) for f in files] == [("f_1", "available"), ("f_2", "quarantined")]
    assert archive.read("objects/uploads/20260101/f_1.pdf") == b"pdf"
    assert json.loads(archive.read("notifications.jsonl")) == {"userId": "u_1"}
    facts = json.loads(archive.read("tenant.json"))
    assert facts["counts"] == {
        "audit": 1,
        "files": 2,
        "notifications": 1,
        "objects": 1,
        "roles": 1,
        "users": 1,
    }


def test_a_built_export_is_not_built_again_and_a_gone_one_is_left_alone(
    published: list[ServiceEvent], bucket: FakeBucket, owners: FakeServices
) -> None:
    export_id = ask()[1]["data"]["exportId"]
    exports.build(requested(published))
    asked = len(owners.requests)
    exports.build(requested(published))  # a redelivery
    assert len(owners.requests) == asked
    gone = event(
        "tenant.export_requested", {"tenantId": "acme", "exportId": "exp_" + "1" * 32, "requestedBy": "u"}
    )
    exports.build(gone)
    assert len(owners.requests) == asked
    assert status(export_id)[1]["data"]["status"] == "completed"


def test_a_part_that_fails_marks_the_export_failed_and_the_message_comes_back(
    published: list[ServiceEvent], owners: FakeServices
) -> None:
    owners.on(
        "audit",
        "POST",
        "/internal/audit/tenant-export",
        lambda r, b: (503, {"code": "SERVICE_UNAVAILABLE", "message": "down"}),
    )
    owners.routes.insert(0, owners.routes.pop())  # ahead of the fixture's answer
    export_id = ask()[1]["data"]["exportId"]
    with pytest.raises(ServiceUnavailable):  # the message comes back
        exports.build(requested(published))
    answer = status(export_id)[1]["data"]
    assert answer["status"] == "failed"
    assert answer["error"]
    assert answer["url"] is None


# --- the purge of a deleted tenant's objects ----------------------------------------------------------
def test_the_purge_removes_every_object_under_the_tenants_prefixes_and_nothing_else(
    bucket: FakeBucket,
) -> None:
    for key in (
        "tenants/acme/uploads/a.pdf",
        "quarantine/tenants/acme/uploads/b.pdf",
        "exports/acme/exp_1.zip",
        "tenants/acme-2/uploads/c.pdf",
        "tenants/globex/uploads/d.pdf",
    ):
        bucket.put(key, b"x", "application/pdf")
    assert exports.purge_objects("acme", budget_seconds=30) == (3, True)
    assert bucket.keys() == ["tenants/acme-2/uploads/c.pdf", "tenants/globex/uploads/d.pdf"]
    assert export_ports.bucket().delete_under("tenants/acme/", limit=1000) == 0
