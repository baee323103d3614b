"""What Lambda's SQS event source mapping does, locally: poll a subscriber's queue, hand the batch to its
function, delete what succeeded and leave the reported failures to come back after the visibility timeout
(and, after `maxReceiveCount` receives, to move to the DLQ — the emulator's redrive policy does that).

Each queue has its own pollers (`POLLERS` threads, like the mapping's concurrent pollers), each long-polling
(a receive returns as soon as a message arrives) and handing its batch to the function at once: queues never
wait for each other, and a slow batch does not hold up the next one. A message a poller has received is
invisible to the others until it is deleted or its visibility timeout ends, so no message is handled twice
at the same time. The message path has no sleeps; only a failing read backs off.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared import aws
from shared.adapters.lambda_events import LocalContext, sqs_event
from shared.declarations import Function, Subscription
from shared.registry import Registry
from stratus.provision import QueueInfo

Log = Callable[[str], None]

POLLERS = 2  # per queue: one processes a batch while the other already waits for the next
LONG_POLL_SECONDS = 2  # a receive returns at once when a message arrives; this only bounds an idle wait
READ_BACKOFF_SECONDS = 1.0


class QueuePump(threading.Thread):
    def __init__(
        self,
        registry: Registry,
        fn: Function,
        queue: QueueInfo,
        stop: threading.Event,
        log: Log,
        *,
        pollers: int = POLLERS,
    ) -> None:
        super().__init__(name=f"pump-{fn.service}", daemon=True)
        assert isinstance(fn.trigger, Subscription)
        self.registry = registry
        self.fn = fn
        self.subscription = fn.trigger
        self.queue = queue
        self.stop = stop
        self.log = log
        self.pollers = max(1, pollers)
        self.batches = 0
        self._batches_lock = threading.Lock()

    def run(self) -> None:
        extra = [
            threading.Thread(target=self._poll_until_stopped, name=f"{self.name}-{n}", daemon=True)
            for n in range(1, self.pollers)
        ]
        for poller in extra:
            poller.start()
        self._poll_until_stopped()
        for poller in extra:
            poller.join(timeout=LONG_POLL_SECONDS + 1)

    def _poll_until_stopped(self) -> None:
        while not self.stop.is_set():
            try:
                self.poll_once(wait_seconds=LONG_POLL_SECONDS)
            except (BotoCoreError, ClientError) as exc:
                self.log(f"! {self.fn.qualified_name}: cannot read {self.queue.url}: {exc}")
                self.stop.wait(READ_BACKOFF_SECONDS)

    def poll_once(self, *, wait_seconds: int = 0) -> int:
        response = aws.client("sqs").receive_message(
            QueueUrl=self.queue.url,
            MaxNumberOfMessages=min(self.subscription.batch_size, 10),
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if messages:
            self.deliver(messages)
        return len(messages)

    def deliver(self, messages: list[Any]) -> None:
        """Run the function on the batch; delete what it did not report as failed (ReportBatchItemFailures).
        A batch whose invocation fails (the function raised, or could not even be loaded) is deleted not at
        all: every message comes back, as on Lambda."""
        try:
            handler = self.registry.handler(self.fn)
            result = handler(
                sqs_event(messages, queue_arn=self.queue.arn), LocalContext.for_function(self.fn)
            )
        except Exception as exc:  # the invocation failed: the whole batch is retried
            self.log(f"! {self.fn.qualified_name} crashed on a batch of {len(messages)}: {exc!r}")
            return
        with self._batches_lock:
            self.batches += 1
        failed = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._acknowledge(done)
        if failed:
            self.log(
                f"~ {self.fn.qualified_name}: {len(failed)} of {len(messages)} failed; they will be retried"
            )

    def _acknowledge(self, messages: list[Any]) -> None:
        """One DeleteMessageBatch; an entry it could not delete comes back and runs again (the subscriber's
        idempotency makes that a no-op), so it is logged, not retried here."""
        try:
            reply = aws.client("sqs").delete_message_batch(
                QueueUrl=self.queue.url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
            )
        except (BotoCoreError, ClientError) as exc:
            self.log(f"! {self.fn.qualified_name}: {len(messages)} processed messages not deleted: {exc}")
            return
        for failure in reply.get("Failed", []):
            self.log(f"! {self.fn.qualified_name}: message not deleted: {failure.get('Message', failure)}")
