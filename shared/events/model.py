"""Seed 000's `ServiceEvent`, and its 1:1 mapping onto CloudEvents 1.0 and EventBridge entries."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ConfigDict, Field

from shared.context import new_id
from shared.envelopes import utc_now_iso
from shared.models import CamelModel

SOURCE_PREFIX = "stratus."


class EventMetadata(CamelModel):
    model_config = ConfigDict(extra="allow")

    request_id: str | None = Field(default=None, alias="requestId")
    user_agent: str | None = Field(default=None, alias="userAgent")
    source_ip: str | None = Field(default=None, alias="sourceIp")
    session_id: str | None = Field(default=None, alias="sessionId")


class ServiceEvent(CamelModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(default_factory=lambda: new_id("evt_"))
    type: str = Field(pattern=r"^[a-z]+\.[a-z_]+$")
    version: str = "1.0"
    timestamp: str = Field(default_factory=utc_now_iso)
    source: str  # the publishing service, e.g. `users`
    tenant_id: str | None = Field(default=None, alias="tenantId")
    user_id: str | None = Field(default=None, alias="userId")
    correlation_id: str | None = Field(default=None, alias="correlationId")
    causation_id: str | None = Field(default=None, alias="causationId")
    data: dict[str, Any] = Field(default_factory=dict)
    metadata: EventMetadata = Field(default_factory=EventMetadata)

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, exclude_none=True)

    # --- EventBridge -------------------------------------------------------------------------------
    def to_put_events_entry(self, bus_name: str) -> dict[str, str]:
        return {
            "Source": f"{SOURCE_PREFIX}{self.source}",
            "DetailType": self.type,
            "Detail": self.to_json(),
            "EventBusName": bus_name,
        }

    @classmethod
    def from_sqs_body(cls, body: str) -> ServiceEvent:
        """A rule targets the subscriber's queue with the whole EventBridge event; ours is its `detail`."""
        envelope = json.loads(body)
        detail = envelope.get("detail", envelope) if isinstance(envelope, dict) else envelope
        return cls.model_validate(detail)

    # --- CloudEvents 1.0 ---------------------------------------------------------------------------
    def to_cloudevent(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {
            "specversion": "1.0",
            "id": self.id,
            "type": self.type,
            "source": f"{SOURCE_PREFIX}{self.source}",
            "time": self.timestamp,
            "datacontenttype": "application/json",
            "dataschema": f"https://stratus.dev/events/{self.type}.schema.json",
            "stratusversion": self.version,
        }
        extensions = {
            "tenantid": self.tenant_id,
            "userid": self.user_id,
            "correlationid": self.correlation_id,
            "causationid": self.causation_id,
            "requestid": self.metadata.request_id,
        }
        attributes.update({k: v for k, v in extensions.items() if v is not None})
        return {**attributes, "data": self.data}

    @classmethod
    def from_cloudevent(cls, attributes: dict[str, Any], data: Any) -> ServiceEvent:
        source = str(attributes.get("source", ""))
        return cls(
            id=str(attributes["id"]),
            type=str(attributes["type"]),
            version=str(attributes.get("stratusversion", "1.0")),
            timestamp=str(attributes.get("time") or utc_now_iso()),
            source=source.removeprefix(SOURCE_PREFIX),
            tenant_id=attributes.get("tenantid"),
            user_id=attributes.get("userid"),
            correlation_id=attributes.get("correlationid"),
            causation_id=attributes.get("causationid"),
            data=data if isinstance(data, dict) else {},
            metadata=EventMetadata(request_id=attributes.get("requestid")),
        )
