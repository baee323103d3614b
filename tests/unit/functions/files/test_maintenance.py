"""cleanup-temp-files and reconcile-storage: system routes; abandoned uploads are removed and their quota
released exactly once, however many runs overlap; reconcile counts what the records hold."""

from __future__ import annotations

from typing import Any

import pytest

from functions.files import cleanup_temp_files, reconcile_storage, uploads
from shared.access_tokens import issue_system
from tests.kit import FakeServices, call, user
from tests.unit.functions.files.fakes import FakeFilesStore
from tests.unit.functions.files.support import (
    EICAR_FILE,
    JANE,
    OTHER_TENANT,
    PDF,
    TENANT,
    Ledger,
    complete,
    object_keys,
    quota_calls,
    raw_file,
    request_upload,
    requested,
    uploaded,
)

LONG_AGO = "2020-01-01T00:00:00.000Z"


def run_cleanup(body: Any, *, with_system_token: bool = True) -> tuple[int, dict[str, Any]]:
    system = issue_system("scheduler", "batch-cleanup")[0] if with_system_token else None
    return call(cleanup_temp_files, body=body, service="files", system_token=system)


def abandoned(monkeypatch: pytest.MonkeyPatch, *, size: int = 1000, caller: Any = JANE) -> tuple[str, str]:
    """A pending upload requested long ago (its bytes were put, but it was never completed)."""
    with monkeypatch.context() as patched:  # only this patch is undone (not the fixtures' ones)
        patched.setattr(uploads, "utc_now_iso", lambda: LONG_AGO)
        status, payload = request_upload(caller, size=size)
    assert status == 201, payload
    from tests.unit.functions.files.support import put_object

    key = payload["data"]["upload"]["fields"]["key"]
    put_object(key, b"x" * size, "application/pdf")
    return payload["data"]["fileId"], key


def test_old_pending_uploads_are_removed_and_their_quota_released(
    monkeypatch: pytest.MonkeyPatch, services: FakeServices, ledger: Ledger
) -> None:
    # GIVEN two abandoned uploads (acme and globex), one young pending upload and one available file
    old_acme, _ = abandoned(monkeypatch, size=1000)
    old_globex, _ = abandoned(monkeypatch, size=300, caller=user("u_x", tenant=OTHER_TENANT))
    young, young_key = requested(PDF)
    kept = uploaded(PDF)
    # WHEN the job cleans uploads older than 7 days
    status, payload = run_cleanup({"olderThan": "7d"})
    # THEN both old ones are gone (record, object, quota); the young one and the available file stay
    assert status == 200, payload
    assert payload["data"] == {"processedItems": 2, "releasedBytes": 1300, "errors": []}
    assert raw_file(TENANT, old_acme) is None
    assert raw_file(OTHER_TENANT, old_globex) is None
    assert raw_file(TENANT, young) is not None
    assert raw_file(TENANT, kept) is not None
    assert sorted(quota_calls(services, "release")) == [300, 1000]
    assert ledger.used == {TENANT: 2 * len(PDF), OTHER_TENANT: 0}
    assert young_key in object_keys()
    assert len(object_keys()) == 2
    # AND the release went to each file's own tenant, with a service token only (no user on this route)
    releases = [r for r in services.requests if r.service == "tenants" and b"release" in (r.body or b"")]
    assert sorted(r.path for r in releases) == [
        f"/internal/tenants/{TENANT}/check-quota",
        f"/internal/tenants/{OTHER_TENANT}/check-quota",
    ]
    assert all("x-service-token" in r.headers and "x-user-context" not in r.headers for r in releases)


def test_a_second_run_releases_nothing(monkeypatch: pytest.MonkeyPatch, services: FakeServices) -> None:
    abandoned(monkeypatch)
    assert run_cleanup({"olderThan": "1d"})[1]["data"]["processedItems"] == 1
    _status, payload = run_cleanup({"olderThan": "1d"})
    assert payload["data"] == {"processedItems": 0, "releasedBytes": 0, "errors": []}
    assert quota_calls(services, "release") == [1000]


def test_two_overlapping_runs_release_each_upload_once(
    monkeypatch: pytest.MonkeyPatch, services: FakeServices, files_store: FakeFilesStore
) -> None:
    # GIVEN two abandoned uploads, and a run that is overtaken by another right after its Query
    abandoned(monkeypatch, size=100)
    abandoned(monkeypatch, size=200)
    real = files_store.pending_before
    other: dict[str, Any] = {}

    def overtaken(cutoff: str, limit: int) -> Any:
        found = real(cutoff, limit)
        monkeypatch.setattr(files_store, "pending_before", real)
        other.update(run_cleanup({"olderThan": "1d"})[1]["data"])
        return found

    monkeypatch.setattr(files_store, "pending_before", overtaken)
    # WHEN the first run goes on with the items it found
    status, payload = run_cleanup({"olderThan": "1d"})
    # THEN it skips what the other claimed: the bytes were released once, by the other run
    assert status == 200
    assert payload["data"] == {"processedItems": 0, "releasedBytes": 0, "errors": []}
    assert other == {"processedItems": 2, "releasedBytes": 300, "errors": []}
    assert sorted(quota_calls(services, "release")) == [100, 200]


def test_one_failing_item_is_reported_and_the_run_goes_on(
    monkeypatch: pytest.MonkeyPatch, ledger: Ledger
) -> None:
    # GIVEN two abandoned uploads, and tenants refusing globex's release (its usage already drifted)
    acme_file, _ = abandoned(monkeypatch, size=100)
    globex_file, _ = abandoned(monkeypatch, size=200, caller=user("u_x", tenant=OTHER_TENANT))
    ledger.used[OTHER_TENANT] = 0
    # WHEN the job runs
    status, payload = run_cleanup({"olderThan": "7d"})
    # THEN both are processed, acme's bytes released, and globex's refusal is one error string
    assert status == 200
    data = payload["data"]
    assert data["processedItems"] == 2
    assert data["releasedBytes"] == 100
    assert len(data["errors"]) == 1
    assert globex_file in data["errors"][0]
    assert "INVALID_REQUEST" in data["errors"][0]
    assert raw_file(TENANT, acme_file) is None


def test_limit_bounds_one_run(monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(3):
        abandoned(monkeypatch, size=10)
    assert run_cleanup({"olderThan": "7d", "limit": 2})[1]["data"]["processedItems"] == 2
    assert run_cleanup({"olderThan": "7d", "limit": 2})[1]["data"]["processedItems"] == 1


@pytest.mark.parametrize("duration", ["30m", "12h", "1d"])
def test_durations_in_minutes_hours_and_days(duration: str) -> None:
    assert run_cleanup({"olderThan": duration})[0] == 200


def test_the_maintenance_routes_need_a_system_token(services: FakeServices) -> None:
    # a service token alone is not enough: 401 asking for the system token
    status, payload = run_cleanup({"olderThan": "7d"}, with_system_token=False)
    assert status == 401
    assert payload["error"]["field"] == "X-System-Token"
    status, payload = call(reconcile_storage, body={"tenantId": TENANT}, service="files")
    assert status == 401
    assert payload["error"]["field"] == "X-System-Token"
    # and a user (no service token at all) is refused too
    status, _payload = call(cleanup_temp_files, body={"olderThan": "7d"}, caller=JANE)
    assert status == 401
    assert services.requests == []


def test_reconcile_counts_pending_and_available_bytes_of_one_tenant(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN acme: one available file, one pending upload, one quarantined file; globex: one pending upload
    uploaded(PDF)
    request_upload(JANE, size=250)
    quarantined, _ = requested(EICAR_FILE, content_type="text/plain")
    assert complete(quarantined)[1]["data"]["status"] == "quarantined"
    abandoned(monkeypatch, size=999, caller=user("u_x", tenant=OTHER_TENANT))
    # WHEN reconcile-storage asks for acme
    system = issue_system("scheduler", "reconcile")[0]
    status, payload = call(reconcile_storage, body={"tenantId": TENANT}, service="files", system_token=system)
    # THEN the available and the pending bytes, not the quarantined, not globex's
    assert status == 200, payload
    assert payload["data"] == {
        "tenantId": TENANT,
        "bytes": len(PDF) + 250,
        "pendingFiles": 1,
        "availableFiles": 1,
    }


def test_reconcile_needs_a_valid_tenant_id() -> None:
    system = issue_system("scheduler", "reconcile")[0]
    status, payload = call(reconcile_storage, body={"tenantId": "A#B"}, service="files", system_token=system)
    assert status == 400
    assert payload["error"]["field"] == "tenantId"
