"""auth's outbox port (`functions/auth/ports.AuthOutbox`), run on both adapters: shared.outbox over moto's
outbox table and the in-memory outbox the other auth tests use. What service.py relies on — `held`
withdraws on failure and leaves refused events for the drain, `stage` keeps them — holds on both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from functions.auth.ports import AuthOutbox
from shared import outbox
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from tests.kit import event
from tests.unit.functions.auth.fakes import FakeAuthOutbox


@dataclass
class Adapter:
    outbox: AuthOutbox
    pending: Callable[[], int]


@pytest.fixture(params=["fake", "dynamodb"])
def adapter(request: pytest.FixtureRequest, auth_outbox: FakeAuthOutbox) -> Adapter:
    if request.param == "fake":
        return Adapter(auth_outbox, lambda: len(auth_outbox.pending))
    request.getfixturevalue("dynamodb")
    return Adapter(outbox, outbox.pending_count)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[ServiceEvent]:
    seen: list[ServiceEvent] = []
    monkeypatch.setattr(publisher, "send", lambda *events: seen.extend(events))
    return seen


def logged_out() -> ServiceEvent:
    return event("user.logout", {"userId": "u_1", "sessionId": "s_1"}, source="auth", user_id="u_1")


def test_held_events_are_released_after_the_block(adapter: Adapter, sent: list[ServiceEvent]) -> None:
    done = logged_out()
    with adapter.outbox.held(done):
        assert adapter.pending() == 1  # staged before the other service's change
    assert sent == [done]
    assert adapter.pending() == 0


def test_held_events_are_withdrawn_when_the_block_fails(adapter: Adapter, sent: list[ServiceEvent]) -> None:
    with pytest.raises(RuntimeError), adapter.outbox.held(logged_out()):
        raise RuntimeError("the revocation failed")
    assert sent == []
    assert adapter.pending() == 0


def test_events_the_bus_refuses_wait_for_the_drain(adapter: Adapter, monkeypatch: pytest.MonkeyPatch) -> None:
    def down(*_events: ServiceEvent) -> None:
        raise QueueUnavailable("PutEvents refused")

    monkeypatch.setattr(publisher, "send", down)
    with adapter.outbox.held(logged_out()):
        pass
    adapter.outbox.stage(logged_out())
    assert adapter.pending() == 2
