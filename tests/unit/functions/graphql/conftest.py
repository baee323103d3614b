"""The GraphQL function against fake callees at the service wire (support.py, and app_fakes.py for the
apps), with its real typed clients: no AWS, no sockets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from functions.graphql.platform import platform
from shared.service_client import set_default_transport
from tests.kit import FakeServices
from tests.unit.functions.graphql.app_fakes import Apps
from tests.unit.functions.graphql.support import Platform


@pytest.fixture
def data() -> Platform:
    return Platform.seeded()


@pytest.fixture
def apps() -> Apps:
    return Apps.seeded()


@pytest.fixture(autouse=True)
def services(data: Platform, apps: Apps) -> Iterator[FakeServices]:
    fake = apps.install(data.install(FakeServices()))
    set_default_transport(fake)
    platform.use(None)  # made again on first use, over this transport
    yield fake
    set_default_transport(None)
    platform.use(None)
