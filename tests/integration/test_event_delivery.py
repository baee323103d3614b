"""Events travel the real path on the moto server: PutEvents → the subscriber's rule → its SQS queue →
the queue pump → the subscriber function, once per event, failures to the DLQ."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest

from shared import aws
from shared.events import catalog, publisher
from shared.registry import Registry
from stratus.provision import Provisioned
from stratus.pumps import QueuePump
from tests.fixtures.echo import subscriber as echo

pytestmark = pytest.mark.integration


@pytest.fixture
def pump(platform: Provisioned, registry: Registry) -> QueuePump:
    echo.seen.clear()
    echo.subscriber.__dict__.pop("_once", None)  # a persistence layer bound to this test's table
    fn = registry.function("echo-subscriber")
    return QueuePump(registry, fn, platform.queues[fn.qualified_name], threading.Event(), log=print)


def pump_until(pump: QueuePump, done: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the subscriber did not get there in time"
        pump.poll_once(wait_seconds=1)


def depth(url: str) -> int:
    attrs = aws.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


def test_a_published_event_runs_the_subscriber_once_even_when_delivered_twice(pump: QueuePump) -> None:
    # GIVEN an event published through the real bus
    event = publisher.publish(
        "user.created", catalog.sample("user.created"), source="users", tenant_id="acme-corp"
    )
    # WHEN the subscriber's queue is pumped
    pump_until(pump, lambda: len(echo.seen) == 1)
    # THEN the subscriber ran with the very event
    assert echo.seen[0].id == event.id
    assert echo.seen[0].tenant_id == "acme-corp"

    # WHEN SQS delivers the same event again (at-least-once)
    duplicate = json.dumps(
        {"detail-type": event.type, "source": "stratus.users", "detail": json.loads(event.to_json())}
    )
    aws.client("sqs").send_message(QueueUrl=pump.queue.url, MessageBody=duplicate)
    pump_until(pump, lambda: depth(pump.queue.url) == 0)
    # THEN it did not run again
    assert [e.id for e in echo.seen] == [event.id]


def test_only_subscribed_types_reach_the_queue(pump: QueuePump) -> None:
    publisher.publish("file.deleted", catalog.sample("file.deleted"), source="files")  # not subscribed
    publisher.publish("tenant.created", catalog.sample("tenant.created"), source="tenants")  # subscribed
    pump_until(pump, lambda: len(echo.seen) == 1)
    pump.poll_once(wait_seconds=1)
    assert [e.type for e in echo.seen] == ["tenant.created"]


def test_a_message_that_keeps_failing_ends_in_the_subscribers_dlq(pump: QueuePump) -> None:
    poison = {**catalog.sample("user.deleted"), "poison": True}
    publisher.publish("user.deleted", poison, source="users")
    good = publisher.publish("user.updated", catalog.sample("user.updated"), source="users")
    # The good one is processed; the poison one is received max_receive_count (2) times, then moved.
    pump_until(pump, lambda: depth(pump.queue.dlq_url) == 1, seconds=20)
    assert [e.id for e in echo.seen] == [good.id]
    assert depth(pump.queue.url) == 0
    [moved] = aws.client("sqs").receive_message(QueueUrl=pump.queue.dlq_url)["Messages"]
    assert json.loads(moved["Body"])["detail"]["data"]["poison"] is True
