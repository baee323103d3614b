"""Ids of in-app notifications. An id carries its creation time (ms), so mark-read finds the item (sorted
by `<createdAt>#<id>`) from the id alone: no lookup item, no query."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime

_NOTIFICATION_ID = re.compile(r"n_([0-9]{13})[0-9a-f]{16}")
_last_millis = 0


def new_notification_id() -> tuple[str, str]:
    """(notificationId, createdAt). Ids one container makes are strictly increasing (a burst within one
    millisecond takes the next ones), so an inbox lists them newest first in the order they were made."""
    global _last_millis
    millis = _last_millis = max(time.time_ns() // 1_000_000, _last_millis + 1)
    return f"n_{millis:013d}{uuid.uuid4().hex[:16]}", _iso(millis)


def created_at(notification_id: str) -> str | None:
    """When the notification an id names was created, or None when the id is not one of ours (so: not
    found)."""
    found = _NOTIFICATION_ID.fullmatch(notification_id)
    return _iso(int(found.group(1))) if found else None


def _iso(millis: int) -> str:
    moment = datetime.fromtimestamp(millis / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
