"""The mail the emulator's SES recorded (`stratus mail`): nothing leaves the machine locally, so this is
where a developer reads the welcome message or an alert.

moto has no SES inbox route, but its `GET /moto-api/data.json` serves every model instance it tracks as
`{service: {Model: [attributes]}}`, and each sent email is an `ses.Message` (or `ses.RawMessage`).
LocalStack keeps them at `GET /_aws/ses` instead."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from typing import Any

SETTLE_SECONDS = 5.0  # the longest `stratus mail` waits for mail still on its way (below)


def settle(endpoint_url: str, timeout: float = SETTLE_SECONDS, poll: float = 0.05) -> bool:
    """Wait until no subscriber queue holds a message (visible or in flight), at most `timeout` seconds;
    → whether it did. Some mail leaves its request: the verification link goes out from `user.created`'s
    subscriber, a fraction of a second after register answers. A reader who asks right after the request
    then finds it. Two quiet rounds in a row, because the queues are read one by one and a subscriber
    publishes its next event before its message is deleted."""
    import boto3

    sqs = boto3.client(
        "sqs",
        endpoint_url=endpoint_url,
        region_name=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
    )
    queues = [u for u in sqs.list_queues().get("QueueUrls", []) if u.endswith("-events")]  # not the DLQs
    deadline, quiet = time.monotonic() + timeout, 0
    while quiet < 2:
        if _busy(sqs, queues):
            quiet = 0
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll)
        else:
            quiet += 1
    return True


def _busy(sqs: Any, queues: list[str]) -> bool:
    for url in queues:
        attrs = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        if int(attrs["ApproximateNumberOfMessages"]) or int(attrs["ApproximateNumberOfMessagesNotVisible"]):
            return True
    return False


def sent_mail(endpoint_url: str) -> list[dict[str, Any]]:
    """Every email sent through the emulator (SES v1/v2, simple and raw), oldest first."""
    base = endpoint_url.rstrip("/")
    try:
        ses: dict[str, list[dict[str, Any]]] = _get(base + "/moto-api/data.json").get("ses", {})
    except urllib.error.HTTPError:
        return _localstack(base)
    mails: list[dict[str, Any]] = []
    for m in ses.get("Message", []):
        destinations = m.get("destinations") or {}
        mails.append(
            {
                "messageId": m["id"],
                "from": m["source"],
                "to": destinations.get("ToAddresses", []),
                "subject": m["subject"],
                "body": m["body"],
            }
        )
    for m in ses.get("RawMessage", []):
        mails.append(
            {"messageId": m["id"], "from": m["source"], "to": m["destinations"], "raw": m["raw_data"]}
        )
    return mails


def _localstack(base: str) -> list[dict[str, Any]]:
    found = _get(base + "/_aws/ses").get("messages", [])
    return [
        {
            "messageId": m.get("Id"),
            "from": m.get("Source"),
            "to": (m.get("Destination") or {}).get("ToAddresses", []),
            "subject": m.get("Subject"),
            "body": (m.get("Body") or {}).get("text_part"),
        }
        for m in found
    ]


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the local emulator
        found: dict[str, Any] = json.load(response)
        return found
