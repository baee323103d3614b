"""The health app under in-process moto (its table, the kernel's, the KMS data key and the files bucket),
with the platform services it calls answered by a fake transport (tests/unit/apps/gate.py): its gate's
two, and notification's `inbox-add` (an alert's in-app notice), whose bodies a test reads with
`platform.fake.sent("notification")`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from shared.events.model import ServiceEvent
from stratus.provision import create_bucket, create_data_key
from tests.unit.apps.gate import Platform, app_tables, captured_bus, serving_gate


@pytest.fixture(autouse=True)
def platform() -> Iterator[Platform]:
    with serving_gate(ACCESS, enabled={"acme", "globex"}, tenants={"acme", "globex", "initech"}) as found:
        found.fake.on(
            "notification", "POST", "/internal/notifications/inbox", lambda r, b: {"delivered": True}
        )
        yield found


@pytest.fixture(autouse=True)
def aws_resources() -> Iterator[None]:
    with app_tables(SERVICE):
        create_data_key()
        create_bucket()
        yield


@pytest.fixture(autouse=True)
def published(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    return captured_bus(monkeypatch)
