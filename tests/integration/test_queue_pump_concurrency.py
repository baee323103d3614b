"""The running pump (its concurrent long-polling pollers) keeps Lambda's per-message failure semantics:
in a batch where one event fails, only that message comes back — every other event runs exactly once and
is deleted — and the failing one ends in the DLQ after maxReceiveCount receives; nothing is lost.
(The echo queue's visibility timeout is 1 s, so a busy machine also redelivers good messages before their
delete: idempotency keeps those to one run each.)"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from shared import aws
from shared.events import catalog, publisher
from shared.registry import Registry
from stratus.provision import Provisioned
from stratus.pumps import QueuePump
from tests.fixtures.echo import subscriber as echo
from tests.integration.test_event_delivery import depth

pytestmark = pytest.mark.integration


@pytest.fixture
def running(platform: Provisioned, registry: Registry) -> Iterator[QueuePump]:
    echo.seen.clear()
    echo.fixed.clear()  # poison fails (another test may have "deployed the fix")
    echo.subscriber.__dict__.pop("_once", None)  # a persistence layer bound to this test's table
    fn = registry.function("echo-subscriber")
    stop = threading.Event()
    pump = QueuePump(registry, fn, platform.queues[fn.qualified_name], stop, log=print, pollers=3)
    pump.start()
    yield pump
    stop.set()
    pump.join(timeout=10)


def wait_until(done: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the pump did not get there in time"
        time.sleep(0.1)


def test_one_failing_event_in_a_batch_returns_alone_and_every_other_event_runs_once(
    running: QueuePump,
) -> None:
    # GIVEN twenty events published at once, one of them poison (its handler raises)
    poison = publisher.publish(
        "user.deleted", {**catalog.sample("user.deleted"), "poison": True}, source="users"
    )
    good = [
        publisher.publish("user.updated", catalog.sample("user.updated"), source="users") for _ in range(20)
    ]
    # WHEN the running pump's pollers take them in batches, concurrently
    wait_until(
        lambda: len(echo.seen) >= len(good) and poison.id in in_dlq(running) and depth(running.queue.url) == 0
    )
    # THEN every good event ran exactly once (none lost, none run twice), the poison one never did
    seen = [e.id for e in echo.seen]
    assert sorted(seen) == sorted(e.id for e in good)
    assert poison.id not in seen
    # AND the poison message is in the DLQ
    assert poison.id in in_dlq(running)


def in_dlq(pump: QueuePump) -> str:
    """The bodies in the pump's DLQ (seen, not taken: they come back at once)."""
    got = (
        aws.client("sqs")
        .receive_message(QueueUrl=pump.queue.dlq_url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        .get("Messages", [])
    )
    return " ".join(m["Body"] for m in got)


def test_a_batch_whose_invocation_crashes_is_not_deleted(platform: Provisioned, registry: Registry) -> None:
    # GIVEN a pump whose function cannot even be invoked (Lambda: the whole batch is retried)
    fn = registry.function("echo-subscriber")
    pump = QueuePump(registry, fn, platform.queues[fn.qualified_name], threading.Event(), log=print)

    def broken(_fn: object) -> Callable[..., object]:
        raise ImportError("the function's module does not load")

    registry_handler = registry.handler
    registry.handler = broken  # type: ignore[method-assign,assignment]
    try:
        publisher.publish("user.updated", catalog.sample("user.updated"), source="users")
        # WHEN it receives the batch
        received = 0
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            received = pump.poll_once(wait_seconds=1)
    finally:
        registry.handler = registry_handler  # type: ignore[method-assign]
    # THEN the pump survives, and the message is still in the queue (in flight until its visibility ends)
    assert received == 1
    assert depth(pump.queue.url) == 1
