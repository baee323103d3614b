"""The subscriber queues as a platform admin sees them (`GET /api/v1/queues`) and a redrive's answer."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.models import CamelModel

# A subscriber queue is named after its service (`<prefix>-<service>-events`): the service's name rules.
QUEUE_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,62}$"
QueueNamePath = Annotated[str, Path(pattern=QUEUE_NAME_PATTERN, max_length=63)]


class QueueState(CamelModel):
    name: str  # the subscribing service
    depth: int  # messages waiting
    in_flight: int  # received, not yet deleted
    dead_letters: int  # in the queue's DLQ
    oldest_dead_letter_at: str | None  # ISO-8601, among the dead letters peeked at; null without any


class Redriven(CamelModel):
    moved: int
