"""Subscriber queues and their DLQs on an AWS endpoint: depths, the oldest dead letter, and the redrive
that moves dead letters back once the fault is fixed."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from functions.monitoring import queue_store
from shared import aws
from shared.config import settings
from shared.registry import Registry

_PEEK = 10  # dead letters looked at to find the oldest (SQS has no "oldest" attribute; this is a sample)


@dataclass(frozen=True)
class QueueState:
    subscriber: str
    queue: str
    visible: int
    in_flight: int
    dead: int
    oldest_dead_age: float | None  # seconds, among the dead letters peeked at
    oldest_dead_type: str | None


def states(registry: Registry, *, peek: bool = True) -> list[QueueState]:
    """Every subscriber queue's depths; with `peek`, the oldest dead letter's age and type too (a receive
    with visibility 0: it counts as a receive of those messages)."""
    out = []
    for fn in registry.subscribers:
        visible, in_flight = _depth(_url(settings().queue_name(fn.service)))
        dlq = _url(settings().dlq_name(fn.service))
        dead, _ = _depth(dlq)
        age, kind = _oldest(dlq) if dead and peek else (None, None)
        out.append(
            QueueState(
                fn.qualified_name, settings().queue_name(fn.service), visible, in_flight, dead, age, kind
            )
        )
    return out


def redrive(registry: Registry, service: str, log: Callable[[str], None] = print) -> int:
    """Move every dead letter of `service` back to its queue; → how many moved. Each is sent before it
    is deleted, so a crash part-way duplicates a message rather than losing it (subscribers are
    idempotent on event id, so a duplicate is processed once)."""
    if service not in {fn.service for fn in registry.subscribers}:
        known = ", ".join(sorted(fn.service for fn in registry.subscribers))
        raise ValueError(f"no subscriber queue for {service!r} (subscribers: {known})")
    moved = queue_store.redrive(service)  # the same move as `POST /api/v1/queues/{name}/redrive`
    log(f"  moved {moved}")
    return moved


def _url(name: str) -> str:
    return aws.client("sqs").get_queue_url(QueueName=name)["QueueUrl"]


def _depth(url: str) -> tuple[int, int]:
    attrs = aws.client("sqs").get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]), int(attrs["ApproximateNumberOfMessagesNotVisible"])


def _oldest(url: str) -> tuple[float | None, str | None]:
    """Peek (visibility 0: the messages stay where they are) and answer the oldest one's age and type."""
    found = aws.client("sqs").receive_message(
        QueueUrl=url, MaxNumberOfMessages=_PEEK, VisibilityTimeout=0, AttributeNames=["SentTimestamp"]
    )
    messages = found.get("Messages", [])
    if not messages:
        return None, None
    oldest = min(messages, key=lambda m: int(m.get("Attributes", {}).get("SentTimestamp", "0")))
    sent = int(oldest.get("Attributes", {}).get("SentTimestamp", "0")) / 1000
    try:
        kind = str(json.loads(oldest["Body"]).get("detail-type"))
    except (ValueError, AttributeError):
        kind = None
    return max(0.0, time.time() - sent), kind
