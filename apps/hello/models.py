"""What the hello app answers (camelCase on the wire)."""

from __future__ import annotations

from pydantic import Field

from shared.models import CamelModel


class Greeting(CamelModel):
    message: str
    tenant_id: str = Field(alias="tenantId")
    welcomed: int = Field(description="Members who joined the tenant since it enabled the app")
    last_welcomed: str | None = Field(default=None, alias="lastWelcomed")
