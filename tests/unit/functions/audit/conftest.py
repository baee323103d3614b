"""Fixtures of the audit tests: the in-memory store in the port (tests/unit/functions/audit/fakes.py);
tests that ask for `dynamodb` get the real store over moto instead, with the kernel's tables (the
subscriber's idempotency, request metrics)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from functions.audit import ports
from functions.audit.manifest import SERVICE
from shared.declarations import IDEMPOTENCY_TABLE, REQUEST_METRICS_TABLE
from stratus.provision import create_table
from tests.unit.functions.audit.fakes import FakeAuditStore


@pytest.fixture
def dynamodb() -> Iterator[None]:
    with mock_aws():
        for table in (*SERVICE.tables, IDEMPOTENCY_TABLE, REQUEST_METRICS_TABLE):
            create_table(table)
        yield


@pytest.fixture(autouse=True)
def audit_store(request: pytest.FixtureRequest) -> Iterator[FakeAuditStore]:
    """The in-memory store in the port (not for tests that asked for `dynamodb`)."""
    fake = FakeAuditStore()
    if "dynamodb" in request.fixturenames:
        yield fake
        return
    with ports.store.replaced(fake):
        yield fake
