"""`health.alert` → the owner's in-app notification. The app's subscriber asks the notification service
(a lower layer: a typed call) to put it in the owner's inbox; notification stages `notification.created`
with the item, and realtime pushes that to the owner's WebSocket connections. The event never carries the
value, so neither does the notice: the owner opens the app to see it.

At most one notice per owner, reading type and hour: a batch of 500 out-of-range readings is one notice,
not 500. The hour's key also makes a redelivered alert add nothing."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cache
from typing import Any

from apps.health import ranges
from apps.health.manifest import SERVICE
from functions.notification.client import InboxRequest, NotificationClient
from shared.events.model import ServiceEvent

NOTICE_TYPE = "health_alert"
LABELS = {
    "heart_rate": "Heart rate",
    "blood_pressure": "Blood pressure",
    "weight": "Weight",
    "steps": "Steps",
    "sleep": "Sleep",
    "glucose": "Glucose",
}


@cache
def _client() -> NotificationClient:
    """One client per container, made on first use."""
    return NotificationClient(SERVICE)


def notice_key(tenant_id: str, user_id: str, reading_type: str, hour: str) -> str:
    """The delivery key: one notice per (tenant, owner, type, hour) whatever the number of alerts."""
    basis = f"{tenant_id}\n{user_id}\n{reading_type}\n{hour}"
    return "health_alert_" + hashlib.sha256(basis.encode()).hexdigest()[:40]


def _range_text(reading_type: str, reference: dict[str, Any]) -> str:
    unit = ranges.CANONICAL_UNIT[reading_type]
    if reading_type == "blood_pressure":
        d = ranges.DIASTOLIC
        return (
            f"systolic {reference['low']:g}-{reference['high']:g} and diastolic {d.low:g}-{d.high:g} {unit}"
        )
    return f"{reference['low']:g}-{reference['high']:g} {unit}"


def notice(data: dict[str, Any]) -> tuple[str, str]:
    """(title, body) of the notice for one alert's data."""
    reading_type = str(data["type"])
    label = LABELS.get(reading_type, reading_type)
    reference = data.get("referenceRange") or {}
    within = f" (reference range {_range_text(reading_type, reference)})" if reference else ""
    body = (
        f"Your {label.lower()} reading measured at {data['measuredAt']} is outside its reference range"
        f"{within}. Open the health app to see it."
    )
    return f"{label} out of range", body


def notify(event: ServiceEvent) -> bool:
    """Put the alert's notice in its owner's inbox (once per hour and type). → whether it is there."""
    data = event.data
    tenant_id, user_id = str(data["tenantId"]), str(data["userId"])
    hour = datetime.now(UTC).strftime("%Y%m%d%H")
    title, body = notice(data)
    request = InboxRequest(
        tenant_id=tenant_id,
        user_id=user_id,
        key=notice_key(tenant_id, user_id, str(data["type"]), hour),
        type=NOTICE_TYPE,
        title=title,
        body=body,
    )
    return _client().inbox_add(request).delivered
