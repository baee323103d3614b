"""Every monitoring test runs against an in-process DynamoDB holding the monitoring table and the
kernel's tables (idempotency for the subscriber, request metrics for the Prometheus endpoint)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from functions.monitoring.manifest import SERVICE
from shared.declarations import IDEMPOTENCY_TABLE, REQUEST_METRICS_TABLE
from stratus.provision import create_table


@pytest.fixture(autouse=True)
def aws_resources() -> Iterator[None]:
    with mock_aws():
        for table in (*SERVICE.tables, IDEMPOTENCY_TABLE, REQUEST_METRICS_TABLE):
            create_table(table)
        yield
