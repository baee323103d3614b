"""The mail the emulator's SES recorded (`stratus mail`): nothing leaves the machine locally, so this is
where a developer reads the welcome message or an alert.

moto has no SES inbox route, but its `GET /moto-api/data.json` serves every model instance it tracks as
`{service: {Model: [attributes]}}`, and each sent email is an `ses.Message` (or `ses.RawMessage`).
LocalStack keeps them at `GET /_aws/ses` instead."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


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
