"""The audit service's bodies (camelCase on the wire) and the one record shape the store writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from shared.models import CamelModel


@dataclass(frozen=True)
class AuditRecord:
    """One event, as recorded. `timestamp` is the event's own instant in canonical UTC form (the sort key
    starts with it); `subject_user_id` is set only when the event is about a user (data.userId)."""

    tenant_id: str
    event_id: str
    type: str
    timestamp: str
    source: str
    actor_id: str | None = None
    subject_id: str | None = None
    subject_user_id: str | None = None
    request_id: str | None = None
    correlation_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def sk(self) -> str:
        return f"{self.timestamp}#{self.event_id}"

    def users(self) -> list[str]:
        """The distinct users a record is about: the subject user first, then the actor."""
        found = [u for u in (self.subject_user_id, self.actor_id) if u]
        return list(dict.fromkeys(found))


class AuditRecordOut(CamelModel):
    event_id: str
    type: str
    timestamp: str
    actor_id: str | None = Field(default=None)
    subject_id: str | None = Field(default=None)
    request_id: str | None = Field(default=None)
    correlation_id: str | None = Field(default=None)
    source: str
    data: dict[str, Any] = Field(default_factory=dict)
