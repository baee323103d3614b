"""`stratus dev` as a user runs it: starts, serves health on the gateway port, ends its start-up with the
status block, stops cleanly on Ctrl-C (saving its state)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import request

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_stratus_dev_starts_serves_and_stops_cleanly(tmp_path: Path) -> None:
    port, emulator_port = free_port(), free_port()
    state = tmp_path / ".stratus"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stratus.cli",
            "dev",
            "--port",
            str(port),
            "--emulator-port",
            str(emulator_port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "STRATUS_STATE_DIR": str(state)},
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while not lines or "ready" not in lines[-1]:
            assert time.monotonic() < deadline, "".join(lines)
            line = proc.stdout.readline() if proc.stdout else ""
            assert line or proc.poll() is None, "".join(lines)
            lines.append(line)
        printed = "".join(lines)
        # the status block, not the route table (that is `stratus routes`)
        assert f"gateway      http://127.0.0.1:{port}\n" in printed
        assert f"emulator     http://127.0.0.1:{emulator_port} (moto server; data kept in " in printed
        assert "visible  in flight  dead letters" in printed
        assert "stratus routes" in printed
        assert "/internal/health" not in printed
        assert (state / "instance.json").exists()

        reply = request(f"http://127.0.0.1:{port}/internal/health")
        assert reply.status == 200
        assert reply.body["data"]["status"] == "healthy"
        assert request(f"http://127.0.0.1:{port}/.well-known/openapi.json").body["openapi"] == "3.1.0"

        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0
        assert "stopped" in out
        assert {p.name for p in state.iterdir()} == {"secrets.json", "admin.json", "emulator.pickle"}
    finally:
        if proc.poll() is None:
            proc.kill()


def test_stratus_dev_explains_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "stratus.cli", "dev", "--emulator-port", str(port)],
            env={**os.environ, "STRATUS_STATE_DIR": str(tmp_path / ".stratus")},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert "already in use" in result.stderr
    assert "--endpoint" in result.stderr
