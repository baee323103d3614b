"""`stratus bench --compare FILE`: every figure of a run beside the same figure of a previous run."""

from __future__ import annotations

from pathlib import Path

import pytest

from stratus.bench import compare

BEFORE = """# Benchmarks
## 1. Cold start
| function | ms | ratio | web frameworks |
|---|---:|---:|---|
| users-me | 349 | 1.70 | — |
| gateway-login | 259 | 1.26 | — |
## 6. Gateway load
| clients | requests/s |
|---|---:|
| 8 | **23** |
"""


def test_each_figure_in_both_runs_gets_its_ratio() -> None:
    # GIVEN a run where users-me got faster, the gateway 10 times faster and gateway-login vanished
    after = BEFORE.replace("| users-me | 349 | 1.70 |", "| users-me | 174.5 | 0.85 |").replace(
        "**23**", "**230**"
    )
    after = after.replace("| gateway-login | 259 | 1.26 | — |\n", "")
    # WHEN compared
    changes = {c.figure: c for c in compare.compare(BEFORE, after)}
    # THEN each common figure has before, after and after ÷ before; a figure of one run only is left out
    assert changes["1. Cold start / users-me / ms"].ratio == pytest.approx(0.5)
    assert changes["1. Cold start / users-me / ratio"].ratio == pytest.approx(0.5)
    assert changes["6. Gateway load / 8 / requests/s"].ratio == pytest.approx(10.0)
    assert not [f for f in changes if "gateway-login" in f]
    assert "0.50" in compare.render(list(changes.values()))


def test_the_committed_benchmarks_compare_with_themselves_at_one() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs/benchmarks.md").read_text()
    changes = compare.compare(text, text)
    assert len(changes) > 20
    assert {c.ratio for c in changes if c.ratio is not None} == {1.0}
