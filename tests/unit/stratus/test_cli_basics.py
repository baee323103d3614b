"""The CLI's first impression (issue 13.7): `stratus` alone helps, `--version` answers."""

from __future__ import annotations

import pytest

from stratus.cli import main


def test_stratus_alone_prints_its_commands_and_succeeds(capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN no arguments  WHEN stratus runs  THEN the help with its commands, exit 0 (not a usage error)
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: stratus")
    assert "dev" in out
    assert "status" in out


def test_version_names_the_installed_release(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("stratus ")
