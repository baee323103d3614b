"""The realtime service under in-process moto: its table (no sockets: pushes are e2e's, against the local
WebSocket server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from functions.realtime.manifest import SERVICE
from shared.config import settings
from stratus.provision import create_table


@pytest.fixture(autouse=True)
def aws_resources() -> Iterator[None]:
    with mock_aws():
        for table in SERVICE.tables:
            create_table(table)
        yield
    settings.cache_clear()  # after monkeypatch's undo: a test's settings never outlive it
