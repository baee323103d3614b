"""Bad input is refused at the edge with 400 and the offending field, before any table, bucket or
service is touched (so these tests run without the moto fixture: a call that got through would try a
real socket and fail the test)."""

from __future__ import annotations

from typing import Any

import pytest

from functions.files import cleanup_temp_files, upload_request
from shared.access_tokens import issue_system
from tests.kit import FakeServices, call, error_code
from tests.unit.functions.files.support import JANE


@pytest.fixture
def aws_resources() -> None:
    """Overrides the package's moto fixture: nothing here may reach AWS."""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"fileName": "a/b.pdf"}, "fileName"),
        ({"fileName": "a\\b.pdf"}, "fileName"),
        ({"fileName": "bad\x00name.pdf"}, "fileName"),
        ({"fileName": "tab\tname.pdf"}, "fileName"),
        ({"fileName": "rtl\u202ename.pdf"}, "fileName"),
        ({"fileName": ""}, "fileName"),
        ({"fileName": "x" * 256}, "fileName"),
        ({"fileName": ".."}, "fileName"),
        ({"fileSize": 0}, "fileSize"),
        ({"fileSize": -5}, "fileSize"),
        ({"fileSize": "1000"}, "fileSize"),
        ({"fileSize": 10.0}, "fileSize"),
        ({"fileSize": True}, "fileSize"),
        ({"contentType": "pdf"}, "contentType"),
        ({"contentType": "text/plain\r\nX-Evil: 1"}, "contentType"),
        ({"folder": "a/../b"}, "folder"),
        ({"folder": "a//b"}, "folder"),
        ({"folder": "bad#folder"}, "folder"),
        ({"folder": "x" * 257}, "folder"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_bad_upload_requests_are_400_with_the_field(
    body: dict[str, Any], field: str, services: FakeServices
) -> None:
    full = {"fileName": "a.pdf", "fileSize": 10, "contentType": "application/pdf", **body}
    status, payload = call(upload_request, body=full, caller=JANE)
    assert status == 400, payload
    assert error_code(payload) == "INVALID_REQUEST"
    assert payload["error"]["field"] == field
    assert services.requests == []


def test_a_long_but_valid_name_and_folder_pass_validation(services: FakeServices) -> None:
    # (they reach rbac, which the fake refuses here, so nothing else runs)
    services.routes.clear()
    refused = {"allowed": False, "permission": "file.upload"}
    services.on("rbac", "POST", "/internal/permissions/check", lambda _r, _b: refused)
    body = {"fileName": "é" * 255, "fileSize": 1, "contentType": "text/plain", "folder": "/" + "a/" * 127}
    status, payload = call(upload_request, body=body, caller=JANE)
    assert status == 403, payload
    assert services.sent("rbac")[0]["context"]["folder"] == ("a/" * 127).strip("/")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "olderThan"),
        ({"olderThan": "7"}, "olderThan"),
        ({"olderThan": "0d"}, "olderThan"),
        ({"olderThan": "7w"}, "olderThan"),
        ({"olderThan": "-1d"}, "olderThan"),
        ({"olderThan": 7}, "olderThan"),
        ({"olderThan": "10m"}, "olderThan"),  # younger than the 15-minute upload window
        ({"olderThan": "7d", "limit": 0}, "limit"),
        ({"olderThan": "7d", "limit": "5"}, "limit"),
        ({"olderThan": "7d", "extra": 1}, "extra"),
    ],
)
def test_bad_cleanup_bodies_are_400_with_the_field(body: Any, field: str, services: FakeServices) -> None:
    system = issue_system("scheduler", "batch-cleanup")[0]
    status, payload = call(cleanup_temp_files, body=body, service="files", system_token=system)
    assert status == 400, payload
    assert error_code(payload) == "INVALID_REQUEST"
    assert payload["error"]["field"] == field
    assert services.requests == []
