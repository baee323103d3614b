"""Rate-limit configuration: per-stage overrides, and a typo is an error rather than a silent default."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from functions.gateway import rate_limits


@pytest.fixture(autouse=True)
def _fresh_limits() -> Iterator[None]:
    rate_limits.limits.cache_clear()
    yield
    rate_limits.limits.cache_clear()


def test_a_stage_overrides_one_class_and_keeps_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATUS_RATE_LIMITS", '{"files": [500, 60]}')
    assert rate_limits.limits()["files"] == (500, 60)
    assert rate_limits.limits()["auth"] == (100, 900)


def test_an_unknown_route_class_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRATUS_RATE_LIMITS", '{"file": [500, 60]}')
    with pytest.raises(ValueError, match="unknown route classes \\['file'\\]"):
        rate_limits.limits()
