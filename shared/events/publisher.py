"""Publish a seed 000 event: built from the request context, validated against the catalog, PutEvents."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared import aws
from shared.config import settings
from shared.context import current
from shared.errors import QueueUnavailable
from shared.events import catalog
from shared.events.model import EventMetadata, ServiceEvent


def build(
    event_type: str,
    data: dict[str, Any],
    *,
    source: str | None = None,
    tenant_id: str | None = None,
    user_id: str | None = None,
    causation_id: str | None = None,
) -> ServiceEvent:
    """The event for `data`, carrying the current request's ids; validated against its schema."""
    ctx = current()
    user = ctx.user if ctx else None
    publisher = source or (ctx.service if ctx else None)
    if not publisher:
        raise ValueError("an event needs a source: publish inside a request or pass source=")
    catalog.validate(event_type, data)
    return ServiceEvent(
        type=event_type,
        source=publisher,
        tenant_id=tenant_id or (ctx.tenant_id if ctx else None),
        user_id=user_id or (user.user_id if user else None),
        correlation_id=ctx.correlation_id if ctx else None,
        causation_id=causation_id,
        data=data,
        metadata=EventMetadata(
            request_id=ctx.request_id if ctx else None,
            user_agent=ctx.user_agent if ctx else None,
            source_ip=ctx.source_ip if ctx else None,
            session_id=user.session_id if user else None,
        ),
    )


def send(*events: ServiceEvent) -> None:
    """PutEvents (at most 10 per call, as EventBridge allows). Failure is `QueueUnavailable` (retryable)."""
    bus = settings().bus_name
    for start in range(0, len(events), 10):
        chunk = events[start : start + 10]
        try:
            entries: list[Any] = [e.to_put_events_entry(bus) for e in chunk]
            response = aws.client("events").put_events(Entries=entries)
        except (BotoCoreError, ClientError) as exc:
            raise QueueUnavailable(f"The event bus refused the events: {exc}") from exc
        if response.get("FailedEntryCount"):
            failures = [e for e in response["Entries"] if e.get("ErrorCode")]
            raise QueueUnavailable("The event bus refused some events", details=failures)


def publish(event_type: str, data: dict[str, Any], **kwargs: Any) -> ServiceEvent:
    event = build(event_type, data, **kwargs)
    send(event)
    return event
