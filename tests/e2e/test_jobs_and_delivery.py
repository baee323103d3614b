"""Seed 000 scenario 4 and the delivery guarantees, through `stratus dev`: scheduled runs remove abandoned
uploads and record themselves with monitoring, a failing run alerts the platform admins, a run killed
half-way and re-run releases nothing twice, and an event the bus refused is delivered once by the drain."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.files import objects
from shared import aws
from shared.config import settings
from shared.errors import QueueUnavailable
from shared.events import publisher
from stratus.local import LocalPlatform
from stratus.mail import sent_mail
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, Api
from tests.e2e.platform import eventually, tenant_with_admin, whole_platform

pytestmark = pytest.mark.e2e


class Killed(BaseException):
    """The function's container dying: not an error any code path catches."""


@pytest.fixture(scope="module")
def local() -> Iterator[LocalPlatform]:
    with whole_platform(STRATUS_ALERT_EMAILS="ops@example.com", STRATUS_OUTBOX_GRACE_SECONDS="0") as platform:
        yield platform


@pytest.fixture(scope="module")
def api(local: LocalPlatform) -> Api:
    return Api(local.url)


@pytest.fixture(scope="module")
def root(api: Api) -> str:
    return str(api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])


def data(reply: Any) -> Any:
    assert reply.status < 300, reply.body
    return reply.body["data"]


def run_job(local: LocalPlatform, name: str) -> None:
    """What the schedule does when the job is due (the local scheduler's own firing path)."""
    assert local.scheduler is not None
    local.scheduler.fire(local.registry.function(name))


def abandoned_upload(api: Api, token: str, tenant: str, size: int, *, days_old: int = 8) -> str:
    """An upload requested `days_old` days ago and never completed (its record aged in the table)."""
    body = {"fileName": "draft.txt", "fileSize": size, "contentType": "text/plain"}
    file_id = str(data(api.call("POST", "/api/v1/files/upload", body, token=token))["fileId"])
    pk = f"TENANT#{tenant}#FILE#{file_id}"
    old = (
        (datetime.now(UTC) - timedelta(days=days_old))
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )
    aws.client("dynamodb").update_item(
        TableName=settings().table_name("files"),
        Key={"pk": {"S": pk}, "sk": {"S": "FILE"}},
        UpdateExpression="SET createdAt = :old, gsi3sk = :sk",
        ExpressionAttributeValues={":old": {"S": old}, ":sk": {"S": f"{old}#{pk}"}},
    )
    return file_id


def storage_used(api: Api, token: str, tenant: str) -> int:
    return int(data(api.call("GET", f"/api/v1/tenants/{tenant}", token=token))["usage"]["storageBytes"])


def latest_execution(api: Api, root: str, job_type: str) -> dict[str, Any]:
    runs = [r for r in data(api.call("GET", "/api/v1/jobs", token=root)) if r["jobType"] == job_type]
    assert runs, f"no {job_type} execution recorded"
    return dict(runs[0])


# --- scenario 4 --------------------------------------------------------------------------------------
def test_the_scheduled_cleanup_removes_week_old_pending_uploads_and_records_its_run(
    api: Api, root: str, local: LocalPlatform
) -> None:
    # GIVEN an upload abandoned 8 days ago and one requested just now
    admin = tenant_with_admin(api, root, "sweepco")
    stale = abandoned_upload(api, admin, "sweepco", 300)
    fresh = abandoned_upload(api, admin, "sweepco", 200, days_old=0)
    assert storage_used(api, admin, "sweepco") == 500
    # WHEN the cleanup job's schedule fires
    run_job(local, "files-cleanup-job")
    # THEN the old one is gone with its quota, the young one stays
    assert api.call("GET", f"/api/v1/files/{stale}", token=admin).status == 404
    assert api.call("GET", f"/api/v1/files/{fresh}", token=admin).status == 200
    assert storage_used(api, admin, "sweepco") == 200
    # AND monitoring recorded the execution, which the platform admin lists
    run = latest_execution(api, root, "file-cleanup")
    assert (run["status"], run["errors"]) == ("completed", [])
    assert run["processedItems"] >= 1


def test_a_run_killed_half_way_and_run_again_releases_every_upload_exactly_once(
    api: Api, root: str, local: LocalPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN three abandoned uploads
    admin = tenant_with_admin(api, root, "killco")
    for size in (100, 200, 400):
        abandoned_upload(api, admin, "killco", size)
    assert storage_used(api, admin, "killco") == 700
    # WHEN the run dies while deleting the second object
    real_delete, deleted = objects.delete, []

    def dies_on_the_second(key: str) -> None:
        if len(deleted) == 1:
            raise Killed()
        deleted.append(key)
        real_delete(key)

    monkeypatch.setattr(objects, "delete", dies_on_the_second)
    with pytest.raises(Killed):
        run_job(local, "files-cleanup-job")
    monkeypatch.setattr(objects, "delete", real_delete)
    # AND the job runs again
    run_job(local, "files-cleanup-job")
    # THEN every upload is gone and its bytes released once: nothing is left counted, nothing went negative
    assert storage_used(api, admin, "killco") == 0
    assert data(api.call("GET", "/api/v1/files", token=admin)) == []
    assert latest_execution(api, root, "file-cleanup")["errors"] == []


def test_reconciliation_corrects_drifted_storage_usage(api: Api, root: str, local: LocalPlatform) -> None:
    # GIVEN a tenant whose counted usage drifted from what its files hold (a crash between two writes)
    admin = tenant_with_admin(api, root, "driftco")
    abandoned_upload(api, admin, "driftco", 250, days_old=0)
    aws.client("dynamodb").update_item(
        TableName=settings().table_name("tenants"),
        Key={"pk": {"S": "TENANT#driftco"}, "sk": {"S": "TENANT"}},
        UpdateExpression="SET #u.storageBytes = :n",
        ExpressionAttributeNames={"#u": "usage"},
        ExpressionAttributeValues={":n": {"N": "9999"}},
    )
    # WHEN the reconciliation job runs
    run_job(local, "files-reconcile-job")
    # THEN the usage is what the records hold again
    assert storage_used(api, admin, "driftco") == 250
    assert latest_execution(api, root, "storage-reconciliation")["status"] == "completed"


def test_a_failing_job_alerts_the_platform_admins_in_the_inbox_and_by_mail(
    api: Api, root: str, local: LocalPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a cleanup whose storage calls fail
    from functions.files import maintenance

    def broken(_body: Any) -> Any:
        raise RuntimeError("the bucket is unreachable")

    monkeypatch.setattr(maintenance, "cleanup", broken)
    # WHEN its schedule fires
    run_job(local, "files-cleanup-job")
    # THEN the run is recorded as failed, and the platform admins hear about it
    assert latest_execution(api, root, "file-cleanup")["status"] == "failed"

    def alert() -> list[Any] | None:
        items = data(api.call("GET", "/api/v1/notifications", token=root))
        return [i for i in items if "job" in (i["type"] + i["title"]).lower()] or None

    eventually(alert, what="the admin's inbox alert")

    def mailed() -> set[str] | None:
        to = {
            a
            for m in sent_mail(local.emulator.endpoint_url)
            if "job" in m.get("subject", "").lower()
            for a in m["to"]
        }
        return to if {ADMIN_EMAIL, "ops@example.com"} <= to else None

    eventually(mailed, what="the alert mail")


# --- no lost events ----------------------------------------------------------------------------------
def test_a_registration_while_the_bus_is_down_is_delivered_once_by_the_drain(
    api: Api, root: str, local: LocalPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = tenant_with_admin(api, root, "busco")

    def bus_down(*_events: Any) -> None:
        raise QueueUnavailable("PutEvents refused")

    # GIVEN the bus refuses PutEvents during a registration
    real_send = publisher.send
    monkeypatch.setattr(publisher, "send", bus_down)
    registered = api.register("late@busco.example", "busco")
    monkeypatch.setattr(publisher, "send", real_send)
    # THEN the user is created all the same
    assert registered.status == 201, registered.body
    user_id = registered.body["data"]["userId"]
    assert api.login("late@busco.example", PASSWORD, "busco")["user"]["userId"] == user_id

    def created_records() -> list[Any]:
        found = data(api.call("GET", f"/api/v1/audit?type=user.created&userId={user_id}", token=admin))
        return list(found)

    time.sleep(1.0)
    assert created_records() == []  # not delivered: the event waits in the outbox
    # WHEN the outbox drain runs (twice)
    run_job(local, "monitoring-outbox-drain-job")
    run_job(local, "monitoring-outbox-drain-job")
    # THEN user.created is delivered exactly once: one audit record, one welcome message
    assert len(eventually(created_records, what="user.created in the audit")) == 1
    user = api.login("late@busco.example", PASSWORD, "busco")["accessToken"]
    inbox = eventually(lambda: data(api.call("GET", "/api/v1/notifications", token=user)), what="welcome")
    time.sleep(1.0)
    assert len(created_records()) == 1
    assert len(data(api.call("GET", "/api/v1/notifications", token=user))) == len(inbox) == 1
