"""The hello app under in-process moto (its table, the kernel's), with the platform services it calls
answered by a fake transport: the registry's app-access route (which tenants enabled hello), tenants'
validate and monitoring's job record (tests/unit/apps/gate.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.hello.access import ACCESS
from apps.hello.manifest import SERVICE
from shared.events.model import ServiceEvent
from tests.unit.apps.gate import Platform, app_tables, captured_bus, serving_gate


@pytest.fixture(autouse=True)
def platform() -> Iterator[Platform]:
    with serving_gate(ACCESS, enabled={"acme"}, tenants={"acme", "globex"}) as found:
        yield found


@pytest.fixture(autouse=True)
def aws_resources() -> Iterator[None]:
    with app_tables(SERVICE):
        yield


@pytest.fixture(autouse=True)
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    return captured_bus(monkeypatch)
