"""How long `stratus dev` takes to come back with data: `python -m stratus.bench.restart [--users 10000]`.

Starts `stratus dev` (a process of its own, on free ports, with a fresh state directory), makes a tenant
through the API and fills it with members through the users table (as `stratus bench`'s scale stage
does: one precomputed password hash), stops it (Ctrl-C's path: the data is saved), starts it again and
times it until it says `ready`; then a member logs in, to show the data is back.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

PASSWORD = "restart-member-password-1"  # noqa: S105 - a throwaway local platform
TENANT = "restart"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stratus.bench.restart", description=__doc__)
    parser.add_argument("--users", type=int, default=10_000, help="members of the tenant (default 10000)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="stratus-restart-") as tmp:
        state = Path(tmp) / "state"
        port, emulator_port = _free_port(), _free_port()
        first, began = _start(state, port, emulator_port), time.monotonic()
        _wait_ready(first)
        print(f"empty start: {time.monotonic() - began:.1f} s to ready", file=sys.stderr)
        gateway, emulator = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{emulator_port}"
        _fill(gateway, emulator, state, args.users)
        stop_seconds = _stop(first)
        size = (state / "emulator.pickle").stat().st_size
        second, began = _start(state, port, emulator_port), time.monotonic()
        restored = _wait_ready(second)
        restart_seconds = time.monotonic() - began
        member = f"member-{args.users // 2:05d}@{TENANT}.example"
        login = _post(
            gateway, "/api/v1/auth/login", {"email": member, "password": PASSWORD, "tenantId": TENANT}
        )
        assert login["data"]["accessToken"], login
        _stop(second)
    print(
        f"{args.users:,} users: stopped (and saved, {size / 1e6:.1f} MB) in {stop_seconds:.1f} s; "
        f"restart to ready {restart_seconds:.1f} s; {member} logs in after it\n  {restored}"
    )
    return 0


def _fill(gateway: str, emulator: str, state: Path, users: int) -> None:
    from shared import passwords
    from stratus.bench.scale import _load_members
    from stratus.emulator import point_process_at

    admin = json.loads((state / "admin.json").read_text())
    root = _post(gateway, "/api/v1/auth/login", admin)["data"]["accessToken"]
    tenant = {
        "tenantId": TENANT,
        "name": "Restart",
        "plan": "premium",
        "adminEmail": f"admin@{TENANT}.example",
        "adminPassword": PASSWORD,
        "quotas": {"maxUsers": users + 10},
    }
    _post(gateway, "/api/v1/tenants", tenant, token=root)
    instance = json.loads((state / "instance.json").read_text())
    os.environ["STRATUS_STAGE"] = instance["stage"]
    point_process_at(emulator)
    began = time.monotonic()
    _load_members(TENANT, users, passwords.hash_password(PASSWORD))
    print(f"{users:,} users written in {time.monotonic() - began:.1f} s", file=sys.stderr)


def _start(state: Path, port: int, emulator_port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "STRATUS_STATE_DIR": str(state), "POWERTOOLS_LOG_LEVEL": "WARNING"}
    for name in ("STRATUS_ADMIN_EMAIL", "STRATUS_ADMIN_PASSWORD", "STRATUS_JWT_PRIVATE_KEY"):
        env.pop(name, None)
    command = [sys.executable, "-m", "stratus.cli", "dev", "--port", str(port)]
    return subprocess.Popen(
        [*command, "--emulator-port", str(emulator_port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def _wait_ready(proc: subprocess.Popen[str], timeout: float = 300) -> str:
    """Wait for `ready`; → the line that says how the state was restored (or started new)."""
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    restored = ""
    for line in proc.stdout:
        if line.startswith("state "):
            restored = line.strip()
        if line.startswith("ready"):
            # Keep reading what it prints, or a full pipe would stop it.
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return restored
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise RuntimeError(f"stratus dev did not become ready (exit code {proc.poll()})")


def _stop(proc: subprocess.Popen[str]) -> float:
    began = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=120)
    return time.monotonic() - began


def _post(base: str, path: str, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(  # noqa: S310 - the local gateway
        base + path, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return json.load(response)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    sys.exit(main())
