"""Fixtures of the cache tests. Domain tests run on the in-memory sessions store
(tests/unit/functions/cache/fakes.py) without moto. Tests that ask for `dynamodb` — the store's own
guarantees and access patterns (one BatchGetItem per check, what the table holds) — get the real store
over moto's `sessions` table; so do the modules in MOTO_MODULES, which exercise code still reaching
DynamoDB directly: the kernel's subscriber (its idempotency table). Admission runs on the in-memory
admission store (admission_fakes.py) over the same in-memory sessions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from functions.cache import ports
from shared.declarations import IDEMPOTENCY_TABLE, Table
from stratus.provision import create_table
from tests.unit.functions.cache.admission_fakes import FakeAdmission
from tests.unit.functions.cache.fakes import FakeSessionsStore

MOTO_MODULES = {"test_invalidation"}


@pytest.fixture
def dynamodb() -> Iterator[None]:
    """The real store over moto's DynamoDB (and the kernel's idempotency table)."""
    with mock_aws():
        create_table(Table("sessions"))
        create_table(IDEMPOTENCY_TABLE)
        yield


@pytest.fixture(autouse=True)
def sessions_store(request: pytest.FixtureRequest) -> Iterator[FakeSessionsStore]:
    """The in-memory store in the port, unless the test runs on moto (see the module's docstring)."""
    fake = FakeSessionsStore()
    if "dynamodb" in request.fixturenames:
        yield fake
    elif request.module.__name__.rsplit(".", 1)[-1] in MOTO_MODULES:
        request.getfixturevalue("dynamodb")
        yield fake
    else:
        with ports.store.replaced(fake), ports.admission.replaced(FakeAdmission(fake)):
            yield fake
