"""The outbox: an event staged with its write is published once, whether the bus takes it at once or
only later through the drain; a young entry is left to the request that staged it. The helpers services
use: `transact`/`retract` (with the write), `held` (around another service's change), `emit` (no write)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from shared import aws, outbox
from shared.declarations import OUTBOX_TABLE, Table
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from stratus.provision import create_table
from tests.kit import event


class Bus:
    """publisher.send, switchable between refusing and recording."""

    def __init__(self) -> None:
        self.up = True
        self.sent: list[ServiceEvent] = []

    def send(self, *events: ServiceEvent) -> None:
        if not self.up:
            raise QueueUnavailable("bus down")
        self.sent.extend(events)


@pytest.fixture(autouse=True)
def bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[Bus]:
    fake = Bus()
    monkeypatch.setattr(publisher, "send", fake.send)
    with mock_aws():
        create_table(OUTBOX_TABLE)
        create_table(Table("things"))
        yield fake


def write_with(evt: ServiceEvent) -> None:
    """A service's write and its event's outbox entry, in one transaction."""
    thing = {"pk": {"S": "TENANT#acme#THING#1"}, "sk": {"S": "THING"}}
    aws.client("dynamodb").transact_write_items(
        TransactItems=[{"Put": {"TableName": "stratus-test-things", "Item": thing}}, outbox.staged(evt)]
    )


def created() -> ServiceEvent:
    return event("user.created", {"userId": "u_1", "email": "a@acme.test", "tenantId": "acme", "roles": []})


def test_released_at_once_when_the_bus_is_up(bus: Bus) -> None:
    evt = created()
    write_with(evt)
    assert outbox.release(evt) is True
    assert [e.id for e in bus.sent] == [evt.id]
    assert outbox.pending_count() == 0


def test_bus_down_leaves_the_event_for_the_drain_which_publishes_it_once(bus: Bus) -> None:
    # GIVEN a write whose event the bus refuses
    evt = created()
    write_with(evt)
    bus.up = False
    assert outbox.release(evt) is False
    assert outbox.pending_count() == 1
    # WHEN the drain runs while the bus is still down
    down = outbox.drain(grace_seconds=0)
    # THEN nothing is lost: counted as failed, still pending
    assert (down.published, down.failed, outbox.pending_count()) == (0, 1, 1)
    # WHEN the bus is back and the drain runs twice
    bus.up = True
    first, second = outbox.drain(grace_seconds=0), outbox.drain(grace_seconds=0)
    # THEN the event went out once, with its original id
    assert (first.published, second.published) == (1, 0)
    assert [e.id for e in bus.sent] == [evt.id]


def test_the_drain_leaves_young_entries_to_the_request_that_staged_them(bus: Bus) -> None:
    write_with(created())
    assert outbox.drain().published == 0  # default grace period
    assert outbox.pending_count() == 1


def test_an_undone_write_takes_its_event_back_out() -> None:
    evt = created()
    write_with(evt)
    aws.client("dynamodb").transact_write_items(TransactItems=[outbox.unstaged(evt)])
    assert outbox.pending_count() == 0


THING = {"pk": {"S": "TENANT#acme#THING#1"}, "sk": {"S": "THING"}}


def put_thing() -> list[Any]:
    return [{"Put": {"TableName": "stratus-test-things", "Item": THING, "ConditionExpression": NEW}}]


NEW = "attribute_not_exists(pk)"


def thing_exists() -> bool:
    found = aws.client("dynamodb").get_item(TableName="stratus-test-things", Key=THING, ConsistentRead=True)
    return "Item" in found


def test_transact_commits_the_write_and_its_event_together_or_neither() -> None:
    evt, again = created(), created()
    assert outbox.transact(put_thing(), [evt], table="things") is None
    assert (thing_exists(), outbox.pending_count()) == (True, 1)
    # a write whose condition fails stages nothing: the reasons say which item failed
    assert outbox.transact(put_thing(), [again], table="things") == ["ConditionalCheckFailed", "None"]
    assert outbox.pending_count() == 1


def test_retract_undoes_the_write_and_takes_its_event_out() -> None:
    evt = created()
    outbox.transact(put_thing(), [evt], table="things")
    delete: Any = {"Delete": {"TableName": "stratus-test-things", "Key": THING}}
    assert outbox.retract([delete], [evt], table="things") is None
    assert (thing_exists(), outbox.pending_count()) == (False, 0)


def test_emit_delivers_at_once_or_leaves_the_event_to_the_drain(bus: Bus) -> None:
    first, second = created(), created()
    outbox.emit(first)
    bus.up = False
    outbox.emit(second)  # no exception: the request that emits succeeds while the bus is down
    assert [e.id for e in bus.sent] == [first.id]
    assert outbox.pending_count() == 1
    bus.up = True
    assert outbox.drain(grace_seconds=0).published == 1
    assert [e.id for e in bus.sent] == [first.id, second.id]


def test_held_releases_after_the_change_and_withdraws_when_it_fails(bus: Bus) -> None:
    done, failed = created(), created()
    with outbox.held(done):
        assert outbox.pending_count() == 1  # staged before the other service's change
    assert ([e.id for e in bus.sent], outbox.pending_count()) == ([done.id], 0)
    with pytest.raises(RuntimeError), outbox.held(failed):
        raise RuntimeError("the other service refused")
    assert ([e.id for e in bus.sent], outbox.pending_count()) == ([done.id], 0)


def test_held_with_the_bus_down_keeps_the_event_for_the_drain(bus: Bus) -> None:
    bus.up = False
    with outbox.held(created()):
        pass
    assert outbox.pending_count() == 1
