"""The subscriber queues and their DLQs in SQS: the only monitoring module that talks to SQS.

Which queues exist comes from the deployment itself: it made one `<prefix>-<service>-events` queue (and a
`…-events-dlq`) per subscriber of the catalog, so listing by the deployment's prefix finds exactly those
without monitoring importing the catalog (services are independent packages)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from shared import aws
from shared.config import settings

_QUEUE_SUFFIX = "-events"
_PEEK = 10  # dead letters looked at for the oldest (SQS has no "oldest" attribute: a sample)


def subscriber_queues() -> list[str]:
    """The services with a subscriber queue in this deployment, sorted."""
    prefix = f"{settings().resource_prefix}-"
    sqs = aws.client("sqs")
    urls: list[str] = []
    for page in sqs.get_paginator("list_queues").paginate(QueueNamePrefix=prefix):
        urls.extend(page.get("QueueUrls", []))
    names = (url.rsplit("/", 1)[-1] for url in urls)
    return sorted(
        n.removeprefix(prefix).removesuffix(_QUEUE_SUFFIX) for n in names if n.endswith(_QUEUE_SUFFIX)
    )


def depth(service: str, *, dead: bool = False) -> tuple[int, int]:
    """(waiting, in flight) of the service's queue, or of its DLQ."""
    attrs = aws.client("sqs").get_queue_attributes(
        QueueUrl=_url(service, dead=dead),
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]), int(attrs["ApproximateNumberOfMessagesNotVisible"])


def oldest_dead_letter(service: str) -> datetime | None:
    """When the oldest of the dead letters peeked at was first sent. A receive with visibility 0: the
    messages stay available (it counts as a receive of them, which a DLQ does not act on)."""
    found = aws.client("sqs").receive_message(
        QueueUrl=_url(service, dead=True),
        MaxNumberOfMessages=_PEEK,
        VisibilityTimeout=0,
        AttributeNames=["SentTimestamp"],
    )
    stamps = [int(m.get("Attributes", {}).get("SentTimestamp", "0")) for m in found.get("Messages", [])]
    stamps = [s for s in stamps if s]
    return datetime.fromtimestamp(min(stamps) / 1000, UTC) if stamps else None


def redrive(service: str, budget_seconds: float = 20.0) -> int:
    """Move the dead letters back to the service's queue, for at most `budget_seconds` (the route answers
    within API Gateway's 29 s; what is left waits for the next redrive); → how many moved. Each is sent
    before it is deleted, so a fault part-way duplicates a message rather than losing it (subscribers are
    idempotent on event id, so a duplicate is processed once)."""
    sqs = aws.client("sqs")
    source, dlq = _url(service), _url(service, dead=True)
    moved = 0
    deadline = time.monotonic() + budget_seconds
    while time.monotonic() < deadline:
        batch = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=30).get(
            "Messages", []
        )
        if not batch:
            return moved
        for message in batch:
            sqs.send_message(QueueUrl=source, MessageBody=message["Body"])
            sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
    return moved


def _url(service: str, *, dead: bool = False) -> str:
    name = settings().dlq_name(service) if dead else settings().queue_name(service)
    return aws.client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
