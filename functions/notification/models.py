"""The notification service's request and response bodies: camelCase on the wire, validated at the edge."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator

from shared.emails import Email

MAX_ALERT_RECIPIENTS = 50


class _Body(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


# --- requests ----------------------------------------------------------------------------------------
class PreferencesPatch(_Body):
    """Only the channels given change; a field left out keeps its value. `null` is not a value: a field
    given must be a JSON boolean (strict: "true" and 1 are refused too)."""

    email: StrictBool | None = None
    sms: StrictBool | None = None
    in_app: StrictBool | None = Field(default=None, alias="inApp")

    @field_validator("email", "sms", "in_app", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Runs only on fields the body gives (defaults are not validated), so None here is an explicit null.
        if value is None:
            raise ValueError("must be true or false")
        return value


class AlertRequest(_Body):
    """Seed 000 scenario 4: what a failed job's runner asks the platform admins to know."""

    alert_type: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(alias="alertType")
    severity: Literal["info", "warning", "critical"]
    job_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        default=None, alias="jobId"
    )
    message: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
    recipients: Annotated[list[Email], Field(max_length=MAX_ALERT_RECIPIENTS)] = Field(default_factory=list)


# --- responses ---------------------------------------------------------------------------------------
class Preferences(_Out):
    email: bool
    sms: bool
    in_app: bool = Field(alias="inApp")


class InboxEntry(_Out):
    notification_id: str = Field(alias="notificationId")
    type: str
    title: str
    body: str
    read: bool
    created_at: str = Field(alias="createdAt")


class AlertResult(_Out):
    delivered: int
