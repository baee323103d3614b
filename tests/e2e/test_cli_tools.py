"""`stratus invoke`, `stratus queues` and the HTTP transport against a running local platform."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from shared import aws
from shared.events import catalog, publisher
from shared.service_client import ServiceClient
from shared.transports import HttpTransport
from stratus import cli
from stratus.local import LocalPlatform

pytestmark = pytest.mark.e2e
EVENTS = Path(__file__).resolve().parents[1] / "events"


@pytest.fixture(autouse=True)
def _test_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATUS_CATALOG", "tests.fixtures.registry:test_registry")


def test_invoke_runs_one_function_with_an_event_file(
    local: LocalPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(
        [
            "invoke",
            "monitoring-health",
            "--event",
            str(EVENTS / "http_get_health.json"),
            "--endpoint",
            local.emulator.endpoint_url,
        ]  # type: ignore[union-attr]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["statusCode"] == 200
    assert json.loads(result["body"])["data"]["status"] == "healthy"


def test_invoke_names_the_declared_functions_when_one_is_unknown(
    local: LocalPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["invoke", "nope", "--event", str(EVENTS / "http_get_health.json")])
    assert code == 1
    assert "monitoring-health" in capsys.readouterr().err


def dlq_depth(url: str) -> int:
    attrs = aws.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attrs["Attributes"]["ApproximateNumberOfMessages"])


def test_queues_shows_a_message_that_ended_in_a_dlq(
    local: LocalPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a message the subscriber cannot process, pumped by the running platform
    publisher.publish("user.suspended", {**catalog.sample("user.suspended"), "poison": True}, source="users")
    dlq = local.resources.queues["echo-subscriber"].dlq_url
    deadline = time.monotonic() + 30
    while dlq_depth(dlq) != 1:
        assert time.monotonic() < deadline, "the message never reached the DLQ"
        time.sleep(0.5)
    # WHEN the operator looks
    assert cli.main(["queues", "--endpoint", local.emulator.endpoint_url]) == 0  # type: ignore[union-attr]
    # THEN the subscriber's row shows it in the DLQ
    [row] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("echo-subscriber")]
    assert row.split()[-1] == "1"


def test_the_http_transport_reaches_an_internal_route_through_the_gateway(local: LocalPlatform) -> None:
    client = ServiceClient("relay", transport=HttpTransport(local.url))
    data = client.post("echo", "/internal/echo/i_9/touch")
    assert data["caller"] == "relay"
    assert data["itemId"] == "i_9"
