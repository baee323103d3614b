"""Every cache test runs against an in-process DynamoDB holding the `sessions` table."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from shared.declarations import IDEMPOTENCY_TABLE, Table
from stratus.provision import create_table


@pytest.fixture(autouse=True)
def _sessions_table() -> Iterator[None]:
    with mock_aws():
        create_table(Table("sessions"))
        create_table(IDEMPOTENCY_TABLE)
        yield
