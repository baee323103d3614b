"""`stratus invoke`, `stratus queues` and the HTTP transport against a running local platform."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from shared import aws
from shared.events import catalog, publisher
from shared.transports import HttpTransport
from stratus import cli
from stratus.local import LocalPlatform
from tests.fixtures.echo import subscriber as echo_subscriber
from tests.fixtures.echo.client import EchoClient
from tests.fixtures.relay.manifest import SERVICE as RELAY

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


def test_queues_shows_a_message_that_ended_in_a_dlq_and_a_redrive_after_the_fix_processes_it_once(
    local: LocalPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a message the subscriber cannot process, pumped by the running platform
    poison = publisher.publish(
        "user.suspended", {**catalog.sample("user.suspended"), "poison": True}, source="users"
    )
    dlq = local.resources.queues["echo-subscriber"].dlq_url
    deadline = time.monotonic() + 30
    while dlq_depth(dlq) != 1:
        assert time.monotonic() < deadline, "the message never reached the DLQ"
        time.sleep(0.5)
    # WHEN the operator looks
    assert cli.main(["queues", "--endpoint", local.emulator.endpoint_url]) == 0  # type: ignore[union-attr]
    # THEN the subscriber's row shows it in the DLQ, with the oldest dead letter's age and type
    [row] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("echo-subscriber")]
    assert row.split()[4] == "1"
    assert row.endswith("ago (user.suspended)")
    # WHEN the fix is deployed and the DLQ is redriven
    echo_subscriber.fixed.set()
    try:
        assert cli.main(["dlq", "redrive", "echo", "--endpoint", local.emulator.endpoint_url]) == 0  # type: ignore[union-attr]
        # THEN the message is processed, once, and the DLQ is empty
        deadline = time.monotonic() + 20
        while not any(e.id == poison.id for e in echo_subscriber.seen):
            assert time.monotonic() < deadline, "the redriven message was never processed"
            time.sleep(0.2)
        time.sleep(1.5)  # a second delivery, were there one, would have landed by now
        assert [e.id for e in echo_subscriber.seen].count(poison.id) == 1
        assert dlq_depth(dlq) == 0
    finally:
        echo_subscriber.fixed.clear()


def test_the_http_transport_reaches_an_internal_route_through_the_gateway(local: LocalPlatform) -> None:
    touched = EchoClient(RELAY, transport=HttpTransport(local.url)).touch("i_9")
    assert touched.caller == "relay"
    assert touched.item_id == "i_9"


def test_jobs_run_runs_a_job_now_and_reports_its_execution(
    local: LocalPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    # WHEN an operator runs the expired-session purge now
    endpoint = local.emulator.endpoint_url  # type: ignore[union-attr]
    assert cli.main(["jobs", "run", "auth-purge-sessions-job", "--endpoint", endpoint]) == 0
    # THEN it prints the run's report, recorded like a scheduled run
    report = json.loads(capsys.readouterr().out)
    assert (report["jobType"], report["status"], report["errors"]) == ("session-purge", "completed", [])
    # AND a name that is not a job is refused with one line naming the jobs
    assert cli.main(["jobs", "run", "monitoring-health", "--endpoint", endpoint]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("stratus: no job named 'monitoring-health'; jobs: ")
    assert "file-cleanup, " in line


def test_mail_lists_what_the_emulators_ses_sent(
    local: LocalPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN an email sent through the emulator's SES
    from shared.config import settings

    aws.client("sesv2").send_email(
        FromEmailAddress=settings().mail_from,
        Destination={"ToAddresses": ["reader@example.com"]},
        Content={"Simple": {"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "from the emulator"}}}},
    )
    # WHEN the developer asks for the mail to that address
    endpoint = local.emulator.endpoint_url  # type: ignore[union-attr]
    assert cli.main(["mail", "--to", "reader@example.com", "--endpoint", endpoint]) == 0
    # THEN it is shown, and only it
    out = capsys.readouterr().out
    assert "Subject: Hello" in out
    assert "from the emulator" in out
    assert out.strip().endswith("1 message(s)")


def test_mail_waits_for_mail_still_on_its_way_from_a_subscriber(
    local: LocalPlatform, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN an event still on a subscriber queue whose handling sends a mail half a second later (as
    # register's verification link leaves from user.created's subscriber after register has answered)
    import threading

    from shared.config import settings

    sqs = aws.client("sqs")
    url = sqs.create_queue(QueueName=f"{settings().resource_prefix}-mailcheck-events")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="{}")

    def handle() -> None:
        time.sleep(0.5)
        aws.client("sesv2").send_email(
            FromEmailAddress=settings().mail_from,
            Destination={"ToAddresses": ["late@example.com"]},
            Content={"Simple": {"Subject": {"Data": "Late"}, "Body": {"Text": {"Data": "on its way"}}}},
        )
        [message] = sqs.receive_message(QueueUrl=url)["Messages"]
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    subscriber = threading.Thread(target=handle)
    subscriber.start()
    try:
        # WHEN the developer asks for the mail at once
        endpoint = local.emulator.endpoint_url  # type: ignore[union-attr]
        assert cli.main(["mail", "--to", "late@example.com", "--endpoint", endpoint]) == 0
    finally:
        subscriber.join()
        sqs.delete_queue(QueueUrl=url)
    # THEN it waited for the queue to drain and shows the mail
    out = capsys.readouterr().out
    assert "Subject: Late" in out
    assert out.strip().endswith("1 message(s)")
