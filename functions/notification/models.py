"""The notification service's request and response bodies: camelCase on the wire, validated at the edge."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StringConstraints, field_validator
from pydantic.config import JsonDict

from shared.emails import Email
from shared.models import CamelBody, CamelModel

MAX_ALERT_RECIPIENTS = 50


def _boolean_only(schema: JsonDict) -> None:
    """`X | None = None` publishes `anyOf: [X, null]`; where null is refused, publish `X` alone."""
    options = schema.pop("anyOf", [])
    schema.pop("default", None)
    if isinstance(options, list):
        schema.update(next(o for o in options if isinstance(o, dict) and o.get("type") != "null"))


# --- requests ----------------------------------------------------------------------------------------
class PreferencesPatch(CamelBody):
    """Only the channels given change; a field left out keeps its value. `null` is not a value: a field
    given must be a JSON boolean (strict: "true" and 1 are refused too)."""

    # Optional but never null, and published so: a boolean, not "boolean or null".
    email: StrictBool | None = Field(default=None, json_schema_extra=_boolean_only)
    sms: StrictBool | None = Field(default=None, json_schema_extra=_boolean_only)
    in_app: StrictBool | None = Field(default=None, json_schema_extra=_boolean_only)

    @field_validator("email", "sms", "in_app", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Runs only on fields the body gives (defaults are not validated), so None here is an explicit null.
        if value is None:
            raise ValueError("must be true or false")
        return value


class AlertRequest(CamelBody):
    """Seed 000 scenario 4: what a failed job's runner asks the platform admins to know."""

    alert_type: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    severity: Literal["info", "warning", "critical"]
    job_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(default=None)
    message: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
    recipients: Annotated[list[Email], Field(max_length=MAX_ALERT_RECIPIENTS)] = Field(default_factory=list)


# --- responses ---------------------------------------------------------------------------------------
class Preferences(CamelModel):
    email: bool
    sms: bool
    in_app: bool


class InboxEntry(CamelModel):
    notification_id: str
    type: str
    title: str
    body: str
    read: bool
    created_at: str


class AlertResult(CamelModel):
    delivered: int
