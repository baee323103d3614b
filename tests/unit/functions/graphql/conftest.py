"""The GraphQL function against fake callees at the service wire (support.py), with its real typed
clients: no AWS, no sockets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from functions.graphql.platform import platform
from shared.service_client import set_default_transport
from tests.kit import FakeServices
from tests.unit.functions.graphql.support import Platform


@pytest.fixture
def data() -> Platform:
    return Platform.seeded()


@pytest.fixture(autouse=True)
def services(data: Platform) -> Iterator[FakeServices]:
    fake = data.install(FakeServices())
    set_default_transport(fake)
    platform.use(None)  # made again on first use, over this transport
    yield fake
    set_default_transport(None)
    platform.use(None)
