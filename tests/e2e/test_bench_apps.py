"""The apps stage of `stratus bench` (stratus/bench/apps.py) on a small scale: it measures what it says —
an API key costs the authorizer one read of its own, the proxy adds time over a direct call, and every
webhook arrives — and renders its section."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from functions.catalog import SERVICES
from functions.gateway import rate_limits
from shared.config import settings
from shared.registry import Registry
from stratus.bench import apps as app_bench
from stratus.bench import instruments
from stratus.bench.workload import Bench, setup

pytestmark = pytest.mark.e2e


@pytest.fixture
def bench() -> Iterator[Bench]:
    before = dict(os.environ)
    registry = Registry(SERVICES)
    instruments.install(registry)
    running = Bench(registry, pumps=True).start()
    yield running
    running.stop()
    os.environ.clear()
    os.environ.update(before)
    settings.cache_clear()
    rate_limits.limits.cache_clear()


@pytest.mark.timeout(600)  # seconds alone; much longer beside other e2e workers
def test_the_apps_stage_measures_keys_the_proxy_and_webhooks(bench: Bench) -> None:
    # GIVEN the platform with a tenant  WHEN the stage runs a few samples of each figure
    report = app_bench.measure(bench, setup(bench), samples=3, progress=lambda _m: None)
    # THEN an API key is verified with one GetItem of the authorizer's own (O(1): no scan, no query)
    assert report.api_key.operations.get("GetItem") == 1.0
    assert not {"Scan", "Query"} & set(report.api_key.operations)
    assert report.api_key.authorizer_dynamodb_p50 >= 1
    assert report.bearer.samples == report.api_key.samples == 3
    # AND the proxy's figures and every webhook were observed
    assert report.direct_ms_p50 > 0
    assert report.proxied_ms_p50 > 0
    assert report.webhooks_lost == 0
    assert report.webhook_ms_p50 > 0
    text = "\n".join(app_bench.render(report))
    assert "## Apps: API keys, the proxy, webhooks" in text
    assert "| X-API-Key |" in text
