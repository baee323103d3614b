"""What Lambda's SQS event source mapping does, locally: poll a subscriber's queue, hand the batch to its
function, delete what succeeded and leave the reported failures to come back after the visibility timeout
(and, after `maxReceiveCount` receives, to move to the DLQ)."""

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


class QueuePump(threading.Thread):
    def __init__(
        self, registry: Registry, fn: Function, queue: QueueInfo, stop: threading.Event, log: Log
    ) -> None:
        super().__init__(name=f"pump-{fn.service}", daemon=True)
        assert isinstance(fn.trigger, Subscription)
        self.registry = registry
        self.fn = fn
        self.subscription = fn.trigger
        self.queue = queue
        self.stop = stop
        self.log = log
        self.batches = 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.poll_once(wait_seconds=1)
            except (BotoCoreError, ClientError) as exc:
                self.log(f"! {self.fn.qualified_name}: cannot read {self.queue.url}: {exc}")
                self.stop.wait(1)

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
        event = sqs_event(messages, queue_arn=self.queue.arn)
        handler = self.registry.handler(self.fn)
        try:
            result = handler(event, LocalContext.for_function(self.fn)) or {}
        except Exception as exc:
            self.log(f"! {self.fn.qualified_name} crashed on a batch of {len(messages)}: {exc!r}")
            return
        self.batches += 1
        failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            aws.client("sqs").delete_message_batch(
                QueueUrl=self.queue.url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        if failed:
            self.log(
                f"~ {self.fn.qualified_name}: {len(failed)} of {len(messages)} failed; they will be retried"
            )
