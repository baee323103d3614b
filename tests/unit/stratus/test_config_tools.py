"""`stratus flags bench`: the cached evaluation reads nothing once warm, and the figure is measured."""

from __future__ import annotations

import pytest

from stratus import cli, config_cli
from stratus.bench import flags as bench


def test_the_warm_evaluations_make_no_dynamodb_call() -> None:
    result = bench.measure(evaluations=2_000)
    assert result.cold_calls == ["GetItem", "BatchGetItem"]
    assert result.warm_calls == 0
    assert result.evaluations == 2_000
    assert 0 < result.us_per_evaluation < 10_000
    assert 0.15 < result.enabled_share < 0.5  # the rollouts and overrides of the seeded document
    assert "0" in bench.render(result).splitlines()[1]


def test_the_command_prints_the_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["flags", "bench", "--evaluations", "500"]) == 0
    out = capsys.readouterr().out
    assert "µs per evaluation" in out
    assert "DynamoDB calls once warm: 0" in out


@pytest.mark.parametrize("given", ["ada", "ada@", "@acme", "ada@acme"])
def test_as_wants_email_at_tenant(given: str, tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATUS_STATE_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="EMAIL@TENANT"):
        config_cli.identity(given)


def test_as_takes_the_password_from_the_environment(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STRATUS_STATE_DIR", str(tmp_path))
    monkeypatch.setenv(config_cli.PASSWORD_ENV, "s3cret-pass-9")
    assert config_cli.identity("ada@acme.example@acme") == ("ada@acme.example", "acme", "s3cret-pass-9")


def test_a_function_that_evaluates_flags_may_read_the_config_table_and_nothing_more() -> None:
    from functions.catalog import registry
    from shared.declarations import Function, Layer, Route, Service
    from stratus.deploy.permissions import Resource, statements_for

    [reader, plain] = Service(
        "files",
        Layer.APPLICATION,
        functions=(
            Function("a", Route("GET", "/api/v1/a"), reads_flags=True),
            Function("b", Route("GET", "/api/v1/b")),
        ),
    ).functions
    [granted] = [s for s in statements_for(reader, registry()) if s.sid == "Flags"]
    assert granted.actions == ("dynamodb:GetItem", "dynamodb:BatchGetItem")
    assert granted.resources == (Resource("table", "config"),)
    assert not [s for s in statements_for(plain, registry()) if s.sid == "Flags"]
