"""Settings: the service-token secret is never a constant of the code."""

from __future__ import annotations

import subprocess
import sys

import pytest

from shared import config, service_token

PRINT_SECRET = "from shared.config import settings; print(settings().service_token_secret)"


def secret_of_a_new_process(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PRINT_SECRET], env=env, capture_output=True, text=True, check=False
    )


def test_without_a_configured_secret_each_process_makes_its_own_random_one() -> None:
    # GIVEN no STRATUS_SERVICE_TOKEN_SECRET  WHEN two processes start
    env = {"PATH": "", "PYTHONPATH": "."}
    first, second = secret_of_a_new_process(env), secret_of_a_new_process(env)
    # THEN each has a long secret, and they differ: nobody can forge another process's service tokens
    assert first.returncode == second.returncode == 0, first.stderr
    assert len(first.stdout.strip()) >= 40
    assert first.stdout != second.stdout


def test_a_configured_secret_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATUS_SERVICE_TOKEN_SECRET", "x" * 40)
    assert config.Settings.from_env().service_token_secret == "x" * 40


def test_on_aws_a_missing_secret_is_an_error_not_a_guess(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a Lambda container whose deployment forgot the secret
    monkeypatch.delenv("STRATUS_SERVICE_TOKEN_SECRET", raising=False)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "stratus-dev-users-me")
    config.settings.cache_clear()
    try:
        # WHEN it signs a service token  THEN it refuses, rather than sign with a secret nobody shares
        with pytest.raises(RuntimeError, match="STRATUS_SERVICE_TOKEN_SECRET"):
            service_token.issue("users", "rbac")
    finally:
        monkeypatch.undo()
        config.settings.cache_clear()
