"""One whole platform per test module, its API client and the platform admin's token — the same three
fixtures most end-to-end modules need, under the names the tests take them by. A module imports them
(`from tests.e2e.fixtures import platform_admin, whole_api, whole_local  # noqa: F401`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stratus.local import LocalPlatform
from tests.e2e.identity import ADMIN_EMAIL, ADMIN_PASSWORD, Api
from tests.e2e.platform import whole_platform


@pytest.fixture(scope="module", name="local")
def whole_local() -> Iterator[LocalPlatform]:
    with whole_platform() as platform:
        yield platform


@pytest.fixture(scope="module", name="api")
def whole_api(local: LocalPlatform) -> Api:
    return Api(local.url)


@pytest.fixture(scope="module", name="root")
def platform_admin(api: Api) -> str:
    return str(api.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"])
