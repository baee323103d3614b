"""Standard Webhooks (https://www.standardwebhooks.com): how the platform signs the events it POSTs to an
app's `webhookUrl`, and how an app verifies them — this module is the helper app authors use.

    webhook-id:        the event id (the same on every retry: deduplicate on it)
    webhook-timestamp: seconds since the epoch, when this attempt was sent
    webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">

The secret is `whsec_<base64 key>`; the HMAC key is the decoded bytes. Several space-separated signatures
may be sent (during a secret rotation); one valid one is enough. A timestamp more than five minutes away
from now is refused, so a captured request cannot be replayed later.

    from shared.webhooks import verify, WebhookVerificationError
    try:
        verify(request.headers, raw_body, secret)
    except WebhookVerificationError:
        return 401
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping

PREFIX = "whsec_"
TOLERANCE_SECONDS = 300
ID, TIMESTAMP, SIGNATURE = "webhook-id", "webhook-timestamp", "webhook-signature"


class WebhookVerificationError(ValueError):
    """The request is not a valid, fresh webhook signed with this secret."""


def new_secret(key: bytes) -> str:
    return PREFIX + base64.b64encode(key).decode()


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(PREFIX), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WebhookVerificationError("the secret is not whsec_<base64>") from exc


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256>` of `{id}.{timestamp}.{body}`."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    mac = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def sign(secret: str, message_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The three headers of one delivery attempt."""
    when = int(time.time()) if timestamp is None else timestamp
    return {ID: message_id, TIMESTAMP: str(when), SIGNATURE: signature(secret, message_id, when, body)}


def verify(
    headers: Mapping[str, str], body: bytes, secret: str, *, now: float | None = None
) -> dict[str, str]:
    """Check a received webhook; → its id and timestamp. Raises `WebhookVerificationError`."""
    lowered = {k.lower(): v for k, v in headers.items()}
    message_id, stamp, signatures = lowered.get(ID), lowered.get(TIMESTAMP), lowered.get(SIGNATURE)
    if not message_id or not stamp or not signatures:
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(stamp)
    except ValueError as exc:
        raise WebhookVerificationError("webhook-timestamp is not an integer") from exc
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE_SECONDS:
        raise WebhookVerificationError("webhook-timestamp is too far from now")
    expected = signature(secret, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected, given) for given in signatures.split(" ") if given):
        raise WebhookVerificationError("no valid signature")
    return {"id": message_id, "timestamp": stamp}
