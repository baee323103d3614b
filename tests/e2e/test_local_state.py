"""`stratus dev` survives restarts (issue 13, items 1-3): its state in a directory (`.stratus/`), `--reset`,
`stratus status`, and `stratus jobs run NAME` with no flags against the running instance."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from functions.catalog import registry
from functions.gateway import rate_limits
from shared import service_token
from stratus import cli
from stratus.local import LocalPlatform
from stratus.state import State
from tests.e2e.identity import PASSWORD, Api
from tests.e2e.platform import upload

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
# What a new `stratus dev` process would not have: nothing but the state directory gives it these.
FROM_STATE = ("STRATUS_JWT_PRIVATE_KEY", "STRATUS_JWT_KID", "STRATUS_SERVICE_TOKEN_SECRET")


@contextmanager
def dev(state: Path, *, reset: bool = False, save_every: float = 30.0) -> Iterator[LocalPlatform]:
    """`stratus dev` with its state in `state`, as a new process would start it (no key, no secret, no
    admin in the environment); the environment is put back afterwards."""
    before = dict(os.environ)
    for name in (*FROM_STATE, "STRATUS_ADMIN_EMAIL", "STRATUS_ADMIN_PASSWORD"):
        os.environ.pop(name, None)
    os.environ["STRATUS_RATE_LIMITS"] = json.dumps(
        {"auth": [100000, 900], "tenant": [100000, 900], "files": [100000, 60]}
    )
    rate_limits.limits.cache_clear()
    service_token._cache.clear()  # a new process has no service token signed with an earlier secret
    platform = LocalPlatform(
        registry(),
        port=0,
        emulator_port=0,
        schedules=False,
        log=lambda _line: None,
        state_dir=state,
        reset=reset,
        save_every=save_every,
    )
    platform.start()
    try:
        yield platform
    finally:
        platform.stop()
        os.environ.clear()
        os.environ.update(before)
        rate_limits.limits.cache_clear()
        service_token._cache.clear()  # signed with the state's secret, which the next test does not have


def admin_login(api: Api, state: Path) -> str:
    admin = json.loads((state / "admin.json").read_text())
    return str(api.login(admin["email"], admin["password"], admin["tenantId"])["accessToken"])


def test_a_restart_keeps_the_data_the_admin_the_users_and_the_tokens(tmp_path: Path) -> None:
    state = tmp_path / ".stratus"
    # GIVEN a first run: a tenant, a member who registered, a file they uploaded, their access token
    with dev(state) as first:
        api = Api(first.url)
        root = admin_login(api, state)
        assert api.create_tenant(root, "acme").status == 201
        assert api.register("ada@acme.example", "acme").status == 201
        token = str(api.login("ada@acme.example", PASSWORD, "acme")["accessToken"])
        file_id, done = upload(api, token, b"kept across restarts\n")
        assert done.status == 200, done.body
        key = os.environ["STRATUS_JWT_PRIVATE_KEY"]
        admin = json.loads((state / "admin.json").read_text())
    # THEN a clean stop saved it all, only for this user, and forgot the instance
    assert {p.name for p in state.iterdir()} == {"secrets.json", "admin.json", "emulator.pickle"}
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in state.iterdir())
    assert state.stat().st_mode & 0o777 == 0o700
    # WHEN it starts again (a new process: nothing in the environment but the state directory)
    with dev(state) as second:
        api = Api(second.url)
        # THEN the member logs in with the same password, and so does the admin
        assert api.login("ada@acme.example", PASSWORD, "acme")["accessToken"]
        assert json.loads((state / "admin.json").read_text()) == admin
        assert admin_login(api, state)
        # AND the first run's access token still verifies, and the file record is there
        assert os.environ["STRATUS_JWT_PRIVATE_KEY"] == key
        reply = api.call("GET", f"/api/v1/files/{file_id}", token=token)
        assert reply.status == 200, reply.body
        assert reply.body["data"]["fileName"] == "hello.txt"


def test_reset_starts_clean(tmp_path: Path) -> None:
    state = tmp_path / ".stratus"
    # GIVEN a run that made a tenant, and the admin's token
    with dev(state) as first:
        api = Api(first.url)
        token = admin_login(api, state)
        assert api.create_tenant(token, "acme").status == 201
        admin = json.loads((state / "admin.json").read_text())
        secrets = json.loads((state / "secrets.json").read_text())
    # WHEN it starts with --reset
    with dev(state, reset=True) as second:
        api = Api(second.url)
        # THEN the data is gone, there are new keys and a new admin password, and old tokens are refused
        assert api.call("POST", "/api/v1/auth/login", {**admin, "tenantId": "platform"}).status == 401
        assert json.loads((state / "admin.json").read_text())["password"] != admin["password"]
        assert json.loads((state / "secrets.json").read_text()) != secrets
        assert api.call("GET", "/api/v1/users/me", token=token).status == 401
        assert api.call("GET", "/api/v1/tenants/acme", token=admin_login(api, state)).status == 404


def test_status_shows_the_running_instance_and_says_when_none_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / ".stratus"
    monkeypatch.setenv("STRATUS_STATE_DIR", str(state))
    # GIVEN no stratus dev running here
    # WHEN the developer asks; THEN one line says so
    assert cli.main(["status"]) == 1
    assert capsys.readouterr().out.strip().splitlines() == [
        f"stratus dev is not running (nothing in {state}/ says otherwise)"
    ]
    # GIVEN one running, with its state there
    with dev(state) as platform:
        assert platform.emulator is not None
        # WHEN the developer asks
        assert cli.main(["status"]) == 0
        out = capsys.readouterr().out
    # THEN its URLs, its admin and where the password is, and every subscriber queue's depths
    assert f"gateway      {platform.url}\n" in out
    assert f"emulator     {platform.emulator.endpoint_url} (moto server" in out
    assert "admin        admin@platform.local (tenant platform); password in " in out
    assert "visible  in flight  dead letters" in out
    for fn in registry().subscribers:
        assert f" {fn.qualified_name} " in out
    assert f"docs         {platform.url}/docs\n" in out  # the API docs page (stratus/docs_page.py)
    # AND after it stopped, status says none runs
    assert cli.main(["status"]) == 1


def test_jobs_run_works_against_the_running_instance_with_no_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / ".stratus"
    with dev(state):
        # GIVEN another process that knows nothing but the state directory (no key, no secret, no endpoint)
        env = {k: v for k, v in os.environ.items() if k not in FROM_STATE} | {"STRATUS_STATE_DIR": str(state)}
        # WHEN it runs a job by the name monitoring records for it
        result = subprocess.run(
            [sys.executable, "-m", "stratus.cli", "jobs", "run", "session-purge"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        # THEN it ran, against the running instance, under that name
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert (report["jobType"], report["status"], report["errors"]) == ("session-purge", "completed", [])
        # AND a name that is no job gets one line naming the jobs
        monkeypatch.setenv("STRATUS_STATE_DIR", str(state))
        assert cli.main(["jobs", "run", "nope"]) == 1
        err = capsys.readouterr().err
        assert err.splitlines() == [
            "stratus: no job named 'nope'; jobs: creator-payouts, file-cleanup, hello-tidy, outbox-drain, "
            "realtime-sweep, reservation-expiry, session-purge, storage-reconciliation"
        ]
    assert State(state).instance() is None


def test_a_crash_loses_only_what_changed_since_the_last_periodic_save(tmp_path: Path) -> None:
    state, crashed = tmp_path / ".stratus", tmp_path / "crashed"
    # GIVEN a run that saves every 0.2 s when something changed, and a member who registered
    with dev(state, save_every=0.2) as first:
        assert first.emulator is not None
        api = Api(first.url)
        assert api.create_tenant(admin_login(api, state), "acme").status == 201
        assert api.register("ada@acme.example", "acme").status == 201
        deadline = time.monotonic() + 10
        while first.emulator.changes != first.saved_changes:
            assert time.monotonic() < deadline, "the periodic save never came"
            time.sleep(0.1)
        # WHEN the process dies now: its state directory as it is, without the save a clean stop makes
        shutil.copytree(state, crashed)
    # THEN a new run from that directory has the member
    with dev(crashed) as second:
        assert Api(second.url).login("ada@acme.example", PASSWORD, "acme")["accessToken"]
