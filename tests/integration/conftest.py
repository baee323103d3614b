"""Integration tests talk to a real moto server over HTTP, as functions do under `stratus dev`."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from shared.registry import Registry
from stratus.emulator import Emulator, point_process_at
from stratus.provision import Provisioned, provision
from tests.fixtures.registry import test_registry

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """An embedded moto server, or the emulator STRATUS_TEST_ENDPOINT names (localstack/run-tests.sh)."""
    external = os.environ.get("STRATUS_TEST_ENDPOINT")
    server = Emulator.external(external) if external else Emulator.start_moto("127.0.0.1", 0)
    yield server
    server.stop()


@pytest.fixture
def registry() -> Registry:
    return test_registry()


@pytest.fixture
def platform(
    emulator: Emulator, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Provisioned]:
    """A freshly provisioned platform on the emulator, under a prefix no other test uses."""
    monkeypatch.setenv("STRATUS_RESOURCE_PREFIX", f"it-{uuid.uuid4().hex[:8]}")
    tables = ",".join(t.name for t in registry.tables())
    before = dict(os.environ)
    point_process_at(emulator.endpoint_url, stage="test", extra={"STRATUS_TABLES": tables})
    yield provision(registry, log=lambda _line: None)
    os.environ.clear()
    os.environ.update(before)
