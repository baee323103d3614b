"""The local scrape token of `/internal/metrics`: kept in `.stratus/secrets.json` like the service secret,
exported to `stratus dev`'s functions, and printed by `stratus status` for a local Prometheus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from functions.catalog import registry
from stratus import status
from stratus.state import METRICS_TOKEN, Instance, State


def test_the_scrape_token_is_made_once_kept_with_the_secrets_and_exported(tmp_path: Path) -> None:
    state = State(tmp_path / "s")
    state.prepare()
    env: dict[str, str] = {}
    assert METRICS_TOKEN in state.export_secrets(env)
    token = env[METRICS_TOKEN]
    assert len(token) >= 32
    # the same token on the next start, from the state
    again: dict[str, str] = {}
    state.export_secrets(again)
    assert again[METRICS_TOKEN] == token == state.metrics_token()
    # the environment's own wins
    mine = {METRICS_TOKEN: "mine"}
    assert METRICS_TOKEN not in state.export_secrets(mine)
    assert mine[METRICS_TOKEN] == "mine"


def test_a_state_made_before_the_scrape_token_gets_one_and_keeps_the_rest(tmp_path: Path) -> None:
    state = State(tmp_path / "s")
    state.prepare()
    state.secrets_file.write_text(json.dumps({"STRATUS_SERVICE_TOKEN_SECRET": "old", "X": "y"}))
    token = state.metrics_token()
    stored = json.loads(state.secrets_file.read_text())
    assert stored == {"STRATUS_SERVICE_TOKEN_SECRET": "old", "X": "y", METRICS_TOKEN: token}
    assert state.secrets_file.stat().st_mode & 0o777 == 0o600


def test_status_prints_the_scrape_url_and_its_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(status, "_queues", lambda _registry: [])  # no emulator here: queues are not the point
    state = State(tmp_path / "s")
    state.prepare()
    taken = state.export_secrets({})
    instance = Instance(
        pid=1, gateway="http://127.0.0.1:3000", emulator="e", embedded=True, started_at="t", from_state=taken
    )
    lines = status.block(instance, registry(), state)
    [metrics] = [line for line in lines if line.startswith("metrics")]
    assert metrics == (
        f"metrics      http://127.0.0.1:3000/internal/metrics (Authorization: Bearer {state.metrics_token()})"
    )
    # an instance given its own token in its environment: the status does not print the state's
    theirs = Instance(pid=1, gateway="g", emulator="e", embedded=True, started_at="t", from_state=())
    [metrics] = [line for line in status.block(theirs, registry(), state) if line.startswith("metrics")]
    assert state.metrics_token() not in metrics
