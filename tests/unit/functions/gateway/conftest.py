"""Fixtures of the gateway tests: the in-memory API keys and rate counters in the ports
(tests/unit/functions/gateway/fakes.py), so the domain tests run without moto; tests that ask for
`dynamodb` get the real stores over moto's `apikeys` and `ratelimits` tables."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from functions.gateway import ports, rate_limits
from functions.gateway.manifest import SERVICE
from stratus.provision import create_table
from tests.unit.functions.gateway.fakes import FakeApiKeys, FakeCounters


@pytest.fixture
def dynamodb() -> Iterator[None]:
    """The real stores over moto's DynamoDB (the gateway's two tables)."""
    with mock_aws():
        for table in SERVICE.tables:
            create_table(table)
        yield


@pytest.fixture
def api_keys_table() -> FakeApiKeys:
    return FakeApiKeys()


@pytest.fixture
def counters() -> FakeCounters:
    return FakeCounters()


@pytest.fixture(autouse=True)
def gateway_stores(
    request: pytest.FixtureRequest, api_keys_table: FakeApiKeys, counters: FakeCounters
) -> Iterator[None]:
    """The in-memory tables in the ports (not for tests that asked for `dynamodb`); limits read afresh."""
    rate_limits.limits.cache_clear()
    if "dynamodb" in request.fixturenames:
        yield
    else:
        with ports.api_keys.replaced(api_keys_table), ports.counters.replaced(counters):
            yield
    rate_limits.limits.cache_clear()
