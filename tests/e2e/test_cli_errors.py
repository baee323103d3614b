"""Every `stratus` mistake is one line that says what to do, never a traceback (issue 13.7): usage mistakes
exit 2, the rest 1. Endpoints here are real loopback ports nothing listens on; no platform runs."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from stratus import cli

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def dead_endpoint() -> str:
    """A loopback URL nothing listens on (a port the OS gave us, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
def _nothing_running_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATUS_STATE_DIR", str(tmp_path / ".stratus"))
    monkeypatch.chdir(tmp_path)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    try:
        code = cli.main(argv)
    except SystemExit as exited:  # argparse's usage errors
        code = int(exited.code or 0)
    captured = capsys.readouterr()
    return code, [line for line in captured.err.splitlines() if line.strip()], captured.out


USAGE = [
    ["nonsense"],
    ["invoke"],
    ["jobs"],
    ["jobs", "run"],
    ["dlq", "redrive"],
    ["events", "sample"],
    ["dev", "--port", "three-thousand"],
    ["bench", "--out"],
    ["openapi", "--bogus"],
    ["config", "get", "platform"],
]


@pytest.mark.parametrize("argv", USAGE, ids=" ".join)
def test_a_usage_mistake_is_one_line_naming_the_help_and_exits_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, err, _ = run(argv, capsys)
    assert code == 2
    assert len(err) == 1, err
    assert err[0].startswith("stratus")
    assert err[0].endswith("--help`)")


UNREACHABLE = [
    ["queues"],
    ["dlq", "redrive", "notification"],
    ["mail"],
    ["provision"],
    ["jobs", "run", "file-cleanup"],
    ["bootstrap-admin"],
    [
        "invoke",
        "monitoring-health",
        "--event",
        str(Path(__file__).parents[1] / "events/http_get_health.json"),
    ],
]


@pytest.mark.parametrize("argv", UNREACHABLE, ids=" ".join)
def test_an_unreachable_endpoint_is_one_line_with_the_fix(
    argv: list[str], dead_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err, _ = run([*argv, "--endpoint", dead_endpoint], capsys)
    assert code == 1
    assert err == [
        f"stratus: cannot reach {dead_endpoint}: start `stratus dev` here (the tools find it through "
        ".stratus/), or pass --endpoint URL of the emulator it runs (`stratus status` shows it)"
    ]


def test_with_nothing_running_the_tools_name_the_default_endpoint(capsys: pytest.CaptureFixture[str]) -> None:
    code, err, _ = run(["queues"], capsys)
    if code == 0:  # something does listen on :4566 on this machine (a LocalStack): not this test's case
        pytest.skip("an emulator answers on the default endpoint")
    assert err[0].startswith(f"stratus: cannot reach {cli.DEFAULT_ENDPOINT}: start `stratus dev`")


WRONG_NAMES = [
    (["jobs", "run", "nope"], "no job named 'nope'; jobs: ", "file-cleanup, "),
    (
        ["dlq", "redrive", "nope"],
        "no subscriber queue for 'nope'; subscribers: ",
        "audit, audit-subscriber, ",
    ),
    (["invoke", "nope"], "no function named 'nope'; declared: ", "monitoring-health, "),
    (
        ["events", "sample", "user.nope"],
        "'user.nope' is not a catalogued event type; types: ",
        "user.created, ",
    ),
    (
        ["events", "sample", "http", "GET", "/nope"],
        "no route serves GET /nope; `stratus routes` lists them",
        "",
    ),
    (["events", "sample", "http", "/api/v1/users/me"], "http wants METHOD PATH, e.g. ", ""),
    (["invoke", "users-me", "--event", "missing.json"], "no event file missing.json: ", ""),
    (
        ["config", "get", "platform", "flags"],
        "no running `stratus dev` here: start one, or give --gateway URL",
        "",
    ),
]


@pytest.mark.parametrize(
    ("argv", "says", "lists"), WRONG_NAMES, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_a_wrong_name_is_one_line_listing_the_right_ones(
    argv: list[str], says: str, lists: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err, _ = run(argv, capsys)
    assert code == 1
    assert len(err) == 1, err
    assert err[0].startswith(f"stratus: {says}")
    assert lists in err[0]  # the valid names, e.g. every job


def test_a_wrong_event_shape_is_one_line_saying_what_the_function_takes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN an SQS batch, fed to an HTTP function
    assert cli.main(["events", "sample", "user.created", "--sqs"]) == 0
    batch = tmp_path / "batch.json"
    batch.write_text(capsys.readouterr().out)
    code, err, _ = run(["invoke", "users-me", "--event", str(batch)], capsys)
    assert code == 1
    assert err == [
        "stratus: users-me takes an HTTP API v2 request (`stratus events sample http GET /api/v1/users/me`); "
        "this event is an SQS batch"
    ]
    # AND an HTTP request fed to a subscriber, and text that is not JSON
    request = tmp_path / "request.json"
    assert cli.main(["events", "sample", "http", "GET", "/api/v1/users/me"]) == 0
    request.write_text(capsys.readouterr().out)
    code, err, _ = run(["invoke", "audit-subscriber", "--event", str(request)], capsys)
    assert (code, len(err)) == (1, 1)
    assert "audit-subscriber takes an SQS batch of bus events" in err[0]
    (tmp_path / "bad.json").write_text("{nope")
    code, err, _ = run(["invoke", "users-me", "--event", str(tmp_path / "bad.json")], capsys)
    assert (code, len(err)) == (1, 1)
    assert err[0].startswith("stratus: the event in ")
    assert "is not JSON" in err[0]


def test_as_is_refused_for_a_function_that_takes_no_user(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = tmp_path / "health.json"
    assert cli.main(["events", "sample", "http", "GET", "/internal/health"]) == 0
    event.write_text(capsys.readouterr().out)
    code, err, _ = run(
        ["invoke", "monitoring-health", "--event", str(event), "--as", "a@b.example@acme"], capsys
    )
    assert (code, err) == (
        1,
        ["stratus: --as is for routes that take a user's token; monitoring-health does not"],
    )


def test_an_unexpected_failure_is_one_line_too_never_a_traceback(tmp_path: Path) -> None:
    # GIVEN a catalog that cannot be imported (a bug in a developer's code)  WHEN any command runs
    env = {"STRATUS_CATALOG": "no_such_module_anywhere:registry", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "stratus.cli", "routes"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    # THEN one line names it and how to see more, and the process exits 1
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line == (
        "stratus: ModuleNotFoundError: No module named 'no_such_module_anywhere' "
        "(run with STRATUS_DEBUG=1 for the traceback)"
    )


def test_examples_are_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["invoke", "--help"], ["events", "--help"]):
        with pytest.raises(SystemExit):
            cli.main(argv)
        assert "examples:\n  stratus " in capsys.readouterr().out, argv


def test_the_subscriber_names_stratus_queues_prints_are_accepted_by_dlq_redrive(
    dead_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the name `stratus queues` and `stratus status` print  WHEN it is given to redrive
    code, err, _ = run(["dlq", "redrive", "notification-subscriber", "--endpoint", dead_endpoint], capsys)
    # THEN it is a known subscriber: the command gets as far as the (unreachable) endpoint
    assert code == 1
    assert len(err) == 1
    assert err[0].startswith(f"stratus: cannot reach {dead_endpoint}")
