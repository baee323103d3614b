"""`stratus bench --quick` runs every stage end to end, so the benchmark cannot rot between full runs
(the full run is on demand; its figures are in docs/benchmarks.md)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from functions.catalog import SERVICES
from functions.gateway import rate_limits
from shared.config import settings
from shared.declarations import Subscription
from shared.registry import Registry
from stratus.bench import fanout
from stratus.bench.runner import run, write

pytestmark = pytest.mark.e2e


@pytest.fixture
def restored_environment() -> Iterator[None]:
    before = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(before)
    settings.cache_clear()
    rate_limits.limits.cache_clear()


@pytest.mark.timeout(900)  # its stages take ~3 min alone; minutes more beside other e2e workers
def test_the_quick_bench_measures_every_stage_and_writes_the_report(
    restored_environment: None, tmp_path: Path
) -> None:
    # GIVEN its own registry instance (the bench wraps the handlers it times)
    registry = Registry(SERVICES)
    # WHEN the quick bench runs
    results = run(registry, quick=True, command="stratus bench --quick", progress=lambda _m: None)
    out = tmp_path / "benchmarks.md"
    text = write(results, out)
    # THEN every stage produced figures, and the platform behaved while measured
    assert results.cold.baseline_ms > 0
    assert all(f.frameworks == () for f in results.cold.functions)  # no web framework on the Lambda path
    assert [op.errors for op in results.warm.ops if op.errors] == []
    assert sum(n for op in results.warm.ops for c, n in op.calls.items() if c.endswith(":Scan")) == 0
    assert all(op.calls for op in results.warm.ops if op.name.startswith(("GET /api", "POST /api")))
    assert results.scale.large.users > results.scale.small.users
    assert results.fanout.lost == 0
    takers = [fn for fn in Registry(SERVICES).subscribers if isinstance(fn.trigger, Subscription)]
    assert results.fanout.subscribers == len([fn for fn in takers if fn.trigger.matches(fanout.PROBE)])
    assert results.load.errors == 0
    assert results.flags.warm_calls == 0  # a cached flag evaluation reads nothing
    assert results.flags.us_per_evaluation > 0
    assert results.apps is not None
    assert results.apps.webhooks_lost == 0
    assert results.graphql is not None
    # the nested list query: one call per backend kind, whatever the page holds (no N+1)
    assert set(results.graphql.backend_calls.values()) == {1.0}
    assert results.graphql.users > 2
    # AND the report carries each section, written where it was asked to be
    for heading in (
        "## Targets",
        "## 1. Cold start",
        "## 2-3.",
        "## 7. Feature flags",
        "## 4. Scale",
        "## 5. Event fan-out",
        "## 6. Gateway load",
        "## Apps: API keys, the proxy, webhooks",
        "## GraphQL read API",
    ):
        assert heading in text
    assert out.read_text() == text
