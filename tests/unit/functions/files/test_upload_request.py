"""upload-request: type first, then rbac, then the quota reservation; a refusal leaves nothing behind, and
a failure after the reservation gives it back. file.quota_warning when this request crosses 80%."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from functions.files import content_types, ports
from shared.events.model import ServiceEvent
from tests.kit import FakeServices, error_code
from tests.unit.functions.files.fakes import FakeFilesStore
from tests.unit.functions.files.support import JANE, TENANT, Ledger, object_keys, quota_calls, request_upload


def files_in_table() -> int:
    # Pending uploads of the tenant are indexed under gsi2 `TENANT#t#PENDING` (reconcile's Query).
    _bytes, pending, available = ports.store().held_by(TENANT)
    return pending + available


def test_a_forbidden_type_is_415_before_anything_is_asked(services: FakeServices) -> None:
    status, payload = request_upload(JANE, name="run.exe", content_type="application/x-msdownload")
    assert status == 415
    assert error_code(payload) == "INVALID_FILE_TYPE"
    assert payload["error"]["field"] == "contentType"
    assert services.requests == []  # neither rbac nor tenants was bothered


@pytest.mark.parametrize(
    "content_type",
    [
        "image/png",
        "text/plain; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "APPLICATION/PDF",
    ],
)
def test_allowed_types(content_type: str) -> None:
    status, payload = request_upload(JANE, content_type=content_type)
    assert status == 201, payload


def test_the_allow_list_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.config import settings

    monkeypatch.setenv("STRATUS_FILE_TYPES", "image/*, application/pdf")
    settings.cache_clear()
    assert request_upload(JANE, content_type="image/gif")[0] == 201
    assert request_upload(JANE, content_type="text/plain")[0] == 415


@pytest.mark.parametrize(
    "content_type",
    ["text/html", "image/svg+xml", "application/javascript", "text/javascript; charset=utf-8", "TEXT/HTML"],
)
def test_active_content_is_refused_though_a_wildcard_covers_it(
    services: FakeServices, content_type: str
) -> None:
    # GIVEN the default list (text/*, image/*)  WHEN a type a browser would run is declared
    status, payload = request_upload(JANE, name="page.html", content_type=content_type)
    # THEN 415: stored XSS needs no upload
    assert status == 415
    assert error_code(payload) == "INVALID_FILE_TYPE"
    assert services.requests == []


def test_a_deployment_may_allow_an_active_type_only_by_its_exact_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from shared.config import settings

    monkeypatch.setenv("STRATUS_FILE_TYPES", "image/*, image/svg+xml")
    settings.cache_clear()
    assert request_upload(JANE, content_type="image/svg+xml")[0] == 201
    monkeypatch.setenv("STRATUS_FILE_TYPES", "image/*")
    settings.cache_clear()
    assert request_upload(JANE, content_type="image/svg+xml")[0] == 415


def test_rbac_saying_no_is_403_and_nothing_is_reserved(services: FakeServices, ledger: Ledger) -> None:
    ledger.allow = False
    status, payload = request_upload(JANE)
    assert status == 403
    assert error_code(payload) == "PERMISSION_DENIED"
    assert services.sent("tenants") == []
    assert files_in_table() == 0


def test_a_quota_refusal_propagates_and_leaves_no_record(services: FakeServices, ledger: Ledger) -> None:
    # GIVEN a tenant 10 bytes short of its quota
    ledger.used[TENANT] = ledger.limit - 10
    # WHEN jane asks to upload 1000 bytes
    status, payload = request_upload(JANE)
    # THEN tenants' 403 STORAGE_QUOTA_EXCEEDED comes through as it is, and there is no pending record
    assert status == 403
    assert error_code(payload) == "STORAGE_QUOTA_EXCEEDED"
    assert files_in_table() == 0
    assert quota_calls(services, "release") == []


def test_a_file_over_the_plans_largest_is_413(ledger: Ledger) -> None:
    status, payload = request_upload(JANE, size=ledger.max_file + 1)
    assert status == 413
    assert error_code(payload) == "FILE_TOO_LARGE"
    assert files_in_table() == 0


def test_a_failure_after_the_reservation_releases_it(
    services: FakeServices, ledger: Ledger, monkeypatch: pytest.MonkeyPatch, files_store: FakeFilesStore
) -> None:
    # GIVEN the table refuses the pending record
    def broken(_record: Any, **_kwargs: Any) -> None:
        raise RuntimeError("table down")

    monkeypatch.setattr(files_store, "insert_pending", broken)
    # WHEN jane requests an upload THEN it fails, and the reservation is given back
    status, _payload = request_upload(JANE, size=777)
    assert status == 500
    assert quota_calls(services, "reserve") == [777]
    assert quota_calls(services, "release") == [777]
    assert ledger.used[TENANT] == 0


def test_crossing_80_percent_warns_once(ledger: Ledger, published: list[ServiceEvent]) -> None:
    # GIVEN a tenant at 70% of 1,000,000 bytes
    ledger.used[TENANT] = 700_000
    # WHEN an upload takes it to 79% THEN no warning
    assert request_upload(JANE, size=90_000)[0] == 201
    assert [e for e in published if e.type == "file.quota_warning"] == []
    # WHEN the next one takes it to exactly 80% THEN one warning with the numbers
    assert request_upload(JANE, size=10_000)[0] == 201
    warnings = [e for e in published if e.type == "file.quota_warning"]
    assert len(warnings) == 1
    assert warnings[0].data["usedBytes"] == 800_000
    assert warnings[0].data["limitBytes"] == 1_000_000
    assert warnings[0].data["percent"] == 80.0
    assert warnings[0].tenant_id == TENANT
    # WHEN another one is still above THEN no second warning
    assert request_upload(JANE, size=10_000)[0] == 201
    assert len([e for e in published if e.type == "file.quota_warning"]) == 1


def test_a_name_that_is_no_key_still_gets_a_safe_key() -> None:
    status, payload = request_upload(
        JANE, name="ünïcødé $ (1).tar.GZ", content_type="application/octet-stream"
    )
    assert status == 201
    key = payload["data"]["upload"]["fields"]["key"]
    assert key.startswith(f"tenants/{TENANT}/uploads/")
    assert key.endswith(".gz")
    assert all(c.isascii() and (c.isalnum() or c in "/._-") for c in key)
    assert object_keys() == []  # nothing is written to the bucket by the request itself


# --- a tenant's own list, from the config center -------------------------------------------------------
@pytest.fixture
def tenant_files_config(tenant_settings: dict[tuple[str, str], Any]) -> Callable[[str, Any], None]:
    """Set the `files` document of a tenant, as the config center answers it (shared.tenant_config)."""

    def set_value(tenant_id: str, value: Any) -> None:
        tenant_settings[(tenant_id, content_types.CONFIG_KEY)] = value

    return set_value


def test_a_tenants_configured_list_replaces_the_deployments(
    tenant_files_config: Callable[[str, Any], None],
) -> None:
    # GIVEN the tenant's configuration allows images only
    tenant_files_config(TENANT, {"allowedTypes": ["image/*"]})
    # WHEN a member uploads a PDF (allowed by the deployment) and a PNG
    pdf_status, payload = request_upload(JANE, content_type="application/pdf")
    png_status, _ = request_upload(JANE, name="logo.png", content_type="image/png")
    # THEN the tenant's list decides: the PDF is 415 naming the tenant's list, the PNG goes through
    assert pdf_status == 415
    assert payload["error"]["details"]["allowed"] == ["image/*"]
    assert png_status == 201


def test_another_tenants_list_changes_nothing_here(tenant_files_config: Callable[[str, Any], None]) -> None:
    tenant_files_config("globex", {"allowedTypes": ["image/*"]})
    assert request_upload(JANE, content_type="application/pdf")[0] == 201


def test_a_tenants_list_cannot_let_active_content_through_a_wildcard(
    tenant_files_config: Callable[[str, Any], None],
) -> None:
    tenant_files_config(TENANT, {"allowedTypes": ["text/*", "image/*"]})
    assert request_upload(JANE, name="x.html", content_type="text/html")[0] == 415
    assert request_upload(JANE, name="x.svg", content_type="image/svg+xml")[0] == 415
