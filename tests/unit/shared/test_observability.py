"""Every request leaves a structured log line and an EMF metric record that name the request, the tenant
and the service."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from shared import observability
from shared.adapters.lambda_events import LocalContext, http_event
from shared.context import UserContext
from tests.fixtures.echo import touch
from tests.kit import service_token_for


@pytest.fixture
def lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[list[dict[str, Any]]]:
    """What one internal request prints: its log line and its EMF record."""
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    log = observability.logger("echo")
    level = log.log_level
    log.setLevel("INFO")
    # The logger's handler holds the stream it was created with: give it one to read.
    logged = io.StringIO()
    stream = log.registered_handler.setStream(logged)
    user = UserContext(user_id="u_1", tenant_id="acme-corp")
    headers = {
        "x-service-token": service_token_for("relay", "echo"),
        "x-request-id": "req_obs",
        "x-user-context": user.to_header(),
    }
    touch.handler(
        http_event("POST", "/internal/echo/i_1/touch", path_params={"itemId": "i_1"}, headers=headers),
        LocalContext("echo-touch"),
    )
    out = logged.getvalue() + capsys.readouterr().out
    yield [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    log.setLevel(level)
    if stream is not None:
        log.registered_handler.setStream(stream)


def test_the_request_log_line_names_request_tenant_and_service(lines: list[dict[str, Any]]) -> None:
    [line] = [r for r in lines if r.get("message") == "request"]
    assert line["service"] == "echo"
    assert line["request_id"] == "req_obs"
    assert line["tenant_id"] == "acme-corp"
    assert line["caller"] == "relay"
    assert line["status"] == 200


def test_each_request_emits_one_emf_record(lines: list[dict[str, Any]]) -> None:
    [record] = [r for r in lines if "_aws" in r]
    [directive] = record["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "Stratus"
    assert {"service", "route"} <= set(directive["Dimensions"][0])
    assert record["route"] == "POST /internal/echo/{itemId}/touch"
    assert record["Requests"] == [1.0]
    assert record["Errors"] == [0.0]
    assert record["tenant_id"] == "acme-corp"
