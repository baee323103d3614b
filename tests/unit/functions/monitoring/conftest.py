"""Fixtures of the monitoring tests. Domain tests run on the in-memory store
(tests/unit/functions/monitoring/fakes.py) and the kernel subscriber's idempotency in memory
(tests/fakes/idempotency.py): no moto. Tests that ask for `dynamodb` — the store's own guarantees and
access patterns — get the real store over moto's `monitoring` table; so do the modules in MOTO_MODULES,
which read the kernel's request-metrics table too (the Prometheus exposition)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from functions.monitoring import ports, subscriber
from functions.monitoring.manifest import SERVICE
from shared.declarations import REQUEST_METRICS_TABLE
from stratus.provision import create_table
from tests.fakes import idempotency
from tests.unit.functions.monitoring.fakes import FakeMonitoringStore

MOTO_MODULES = {"test_prometheus"}


@pytest.fixture
def dynamodb() -> Iterator[None]:
    """The real store over moto's DynamoDB (and the kernel's request-metrics table)."""
    with mock_aws():
        for table in (*SERVICE.tables, REQUEST_METRICS_TABLE):
            create_table(table)
        yield


@pytest.fixture(autouse=True)
def monitoring_store(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeMonitoringStore]:
    """The in-memory store in the port, unless the test runs on moto (see the module's docstring); the
    kernel subscriber's idempotency in memory either way."""
    idempotency.in_memory(monkeypatch, subscriber)
    fake = FakeMonitoringStore()
    if "dynamodb" in request.fixturenames:
        yield fake
    elif request.module.__name__.rsplit(".", 1)[-1] in MOTO_MODULES:
        request.getfixturevalue("dynamodb")
        yield fake
    else:
        with ports.store.replaced(fake):
            yield fake
