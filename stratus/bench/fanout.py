"""Event fan-out (issue 7, part 5): publish → every subscriber done, through the running local platform
(bus → one rule per subscriber → its queue → the queue pump → the subscriber function), and a sustained
rate with zero loss; beside it, the emulator's own PutEvents → ReceiveMessage time.

`user.deleted` is the probe: every subscriber that takes it (notification, audit, monitoring, cache,
realtime and the registry's webhook delivery) must be done. The sustained phase offers `rate * seconds`
events from a few publisher threads (issue 15: e.g. 500 at 100/s) and reports what was fully processed per
second, from the first publish to the last subscriber done; `ratio` is the p50 over the emulator's own.
Completion is observed where the subscriber's processing of the event returns (its idempotency record
written), before the pump deletes the message.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared import aws
from shared import context as request_context
from shared.config import settings
from shared.context import RequestContext
from shared.declarations import Subscription
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber
from shared.registry import Registry
from stratus.bench.latency import median, p

PROBE = "user.deleted"
PUBLISHERS = 4


@dataclass(frozen=True)
class FanoutReport:
    subscribers: int
    samples: int
    p50_ms: float
    p99_ms: float
    emulator_p50_ms: float
    emulator_p99_ms: float
    sustained_events: int
    sustained_seconds: float
    sustained_rate: float  # events fully processed by every subscriber, per second
    lost: int
    # This process's CPU time over the sustained phase ÷ events offered: the whole platform's cost of one
    # event (publish, deliveries, every subscriber's work, the emulator's side of each call). Far less noisy
    # on a shared machine than the rate; 1000 ÷ it is what one core could sustain.
    cpu_ms_per_event: float = float("nan")

    @property
    def ratio(self) -> float:
        """Publish → every subscriber done (p50) over the emulator's PutEvents → receive (p50); target ≤ 2."""
        return self.p50_ms / self.emulator_p50_ms if self.emulator_p50_ms else float("nan")


class _Completions:
    """(event id → subscriber → monotonic time done), fed by a wrapper around `Subscriber.process`."""

    def __init__(self) -> None:
        self.done: dict[str, dict[str, float]] = defaultdict(dict)
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        original = Subscriber.process
        completions = self

        def process(subscriber: Subscriber, event: ServiceEvent, context: Any = None) -> None:
            original(subscriber, event, context)
            with completions.changed:
                completions.done[event.id][subscriber.service] = time.monotonic()
                completions.changed.notify_all()

        self._original = original
        Subscriber.process = process  # type: ignore[method-assign,assignment]

    def restore(self) -> None:
        Subscriber.process = self._original  # type: ignore[method-assign]

    def wait_all(self, event_ids: list[str], subscribers: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not all(len(self.done[e]) >= subscribers for e in event_ids):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True


def measure(
    registry: Registry, *, samples: int, rate: float, seconds: float, progress: Callable[[str], None]
) -> FanoutReport:
    subscribers = sum(
        1 for fn in registry.subscribers if isinstance(fn.trigger, Subscription) and fn.trigger.matches(PROBE)
    )
    completions = _Completions()
    try:
        latencies = []
        for _ in range(samples):
            began = time.monotonic()
            event = _publish()
            if not completions.wait_all([event.id], subscribers, timeout=30):
                raise RuntimeError(f"{PROBE} {event.id} was not processed by every subscriber within 30 s")
            latencies.append((max(completions.done[event.id].values()) - began) * 1000)
        progress(f"fan-out: {samples} single events measured")
        start, cpu_start = time.monotonic(), time.process_time()
        sent = _offer(round(rate * seconds), rate)
        completions.wait_all([e for e, _ in sent], subscribers, timeout=60 + len(sent) / 5)
        cpu_ms = (time.process_time() - cpu_start) * 1000 / max(1, len(sent))
        with completions.lock:
            finished = [
                max(completions.done[e].values()) for e, _ in sent if len(completions.done[e]) >= subscribers
            ]
        lost = len(sent) - len(finished)
        span = (max(finished) - start) if finished else float("nan")
        processed = len(finished) / span if finished else 0.0
        progress(
            f"fan-out: {len(sent)} events offered at {rate:g}/s, {processed:.1f}/s fully processed, "
            f"{lost} not fully processed"
        )
    finally:
        completions.restore()
    emulator = _emulator_put_to_receive(samples)
    return FanoutReport(
        subscribers=subscribers,
        samples=samples,
        p50_ms=median(latencies),
        p99_ms=p(latencies, 0.99),
        emulator_p50_ms=median(emulator),
        emulator_p99_ms=p(emulator, 0.99),
        sustained_events=len(sent),
        sustained_seconds=span,
        sustained_rate=processed,
        lost=lost,
        cpu_ms_per_event=cpu_ms,
    )


def _offer(events: int, rate: float) -> list[tuple[str, float]]:
    """Publish `events` events paced at `rate` per second in total, from `PUBLISHERS` threads (one publish
    is a PutEvents round trip: one thread alone could not offer the rate); → (event id, published at)."""
    sent: list[tuple[str, float]] = []
    lock = threading.Lock()
    start = time.monotonic()

    def publisher_thread(first: int) -> None:
        for n in range(first, events, PUBLISHERS):
            due = start + n / rate
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)  # pacing the offered load, not the platform's path
            event = _publish()
            with lock:
                sent.append((event.id, time.monotonic()))

    threads = [threading.Thread(target=publisher_thread, args=(k,), daemon=True) for k in range(PUBLISHERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sent


def _publish() -> Any:
    ctx = RequestContext(
        request_id=f"req_bench_{uuid.uuid4().hex[:8]}", correlation_id="bench", service="users"
    )
    with request_context.bound(ctx):
        return publisher.publish(
            PROBE,
            {"userId": f"u_bench_{uuid.uuid4().hex[:10]}", "email": "gone@fanout.example"},
            tenant_id="fanout",
        )


def _emulator_put_to_receive(samples: int) -> list[float]:
    """The emulator alone: a rule on the same bus to a bare queue, PutEvents → long-polled receive."""
    events, sqs = aws.client("events"), aws.client("sqs")
    name = f"{settings().resource_prefix}-bench-probe"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(
        Name=name, EventBusName=settings().bus_name, EventPattern=json.dumps({"source": ["bench.probe"]})
    )
    events.put_targets(Rule=name, EventBusName=settings().bus_name, Targets=[{"Id": "q", "Arn": arn}])
    times = []
    for n in range(samples):
        began = time.monotonic()
        entry: Any = {
            "Source": "bench.probe",
            "DetailType": "probe",
            "Detail": json.dumps({"n": n}),
            "EventBusName": settings().bus_name,
        }
        events.put_events(Entries=[entry])
        while True:
            got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5).get("Messages", [])
            if got:
                break
        times.append((time.monotonic() - began) * 1000)
        sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    return times
