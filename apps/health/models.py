"""What the health app takes and answers (camelCase on the wire).

A reading's `value` is a number in its `unit`, except `blood_pressure`, whose value is an object
`{systolic, diastolic}` in mmHg. Units per type are listed in `UNITS` (docs/health.md).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from shared.models import CamelBody, CamelModel

ReadingType = Literal["heart_rate", "blood_pressure", "weight", "steps", "sleep", "glucose"]
READING_TYPES: tuple[str, ...] = ("heart_rate", "blood_pressure", "weight", "steps", "sleep", "glucose")
UNITS: dict[str, tuple[str, ...]] = {
    "heart_rate": ("bpm",),
    "blood_pressure": ("mmHg",),
    "weight": ("kg", "lb"),
    "steps": ("count",),
    "sleep": ("h", "min"),
    "glucose": ("mmol/L", "mg/dL"),
}
# Plausible bounds in each type's canonical unit (apps/health/ranges.py): outside them a value is a typo.
MAX_BATCH = 500
TYPE_PATTERN = "^(" + "|".join(READING_TYPES) + ")$"
ID_PATTERN = r"^[A-Za-z0-9_.:@-]{1,128}$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
# A reading may be recorded a little ahead of the server's clock (a phone's clock drifts), not days.
FUTURE_SLACK = timedelta(minutes=10)


def as_utc(moment: datetime, field: str) -> datetime:
    """An aware time, in UTC. A naive one, or one whose offset carries it past year 1 or 9999, is refused."""
    if moment.tzinfo is None:
        raise ValueError(f"{field} needs a time zone (e.g. 2026-01-01T08:00:00Z)")
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError(f"{field} is out of range") from None


def iso(moment: datetime) -> str:
    """One canonical UTC form (milliseconds, `Z`): sort keys compare as times."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class BloodPressure(CamelBody):
    systolic: Annotated[int, Field(ge=40, le=300)]
    diastolic: Annotated[int, Field(ge=20, le=200)]

    @model_validator(mode="after")
    def _ordered(self) -> BloodPressure:
        if self.diastolic >= self.systolic:
            raise ValueError("diastolic must be below systolic")
        return self


class ReadingIn(CamelBody):
    type: ReadingType
    value: BloodPressure | float
    unit: Annotated[str, StringConstraints(min_length=1, max_length=16)]
    measured_at: datetime = Field(alias="measuredAt")

    @field_validator("measured_at")
    @classmethod
    def _aware_and_not_ahead(cls, moment: datetime) -> datetime:
        moment = as_utc(moment, "measuredAt")
        if moment - datetime.now(UTC) > FUTURE_SLACK:
            raise ValueError("measuredAt is in the future")
        return moment

    @model_validator(mode="after")
    def _value_fits_type(self) -> ReadingIn:
        from apps.health.ranges import check_plausible  # the bounds live with the reference ranges

        if self.unit not in UNITS[self.type]:
            raise ValueError(f"unit: {self.type} takes {', '.join(UNITS[self.type])}")
        if self.type == "blood_pressure":
            if not isinstance(self.value, BloodPressure):
                raise ValueError("value: blood_pressure takes {systolic, diastolic}")
        elif isinstance(self.value, BloodPressure):
            raise ValueError(f"value: {self.type} takes a number")
        else:
            check_plausible(self.type, self.value, self.unit)
        return self


class ReadingBatchIn(CamelBody):
    """Each reading is validated by the domain, so that an error names its index (`readings[3].value`)."""

    readings: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_BATCH)]


class ReadingOut(CamelModel):
    reading_id: str
    user_id: str
    type: str
    value: dict[str, int] | float
    unit: str
    measured_at: str
    created_at: str
    out_of_range: bool


class BatchResult(CamelModel):
    count: int
    out_of_range: int
    reading_ids: list[str]


class GrantIn(CamelBody):
    expert_id: Id = Field(alias="expertId")
    expires_at: datetime = Field(alias="expiresAt")

    @field_validator("expires_at")
    @classmethod
    def _future(cls, moment: datetime) -> datetime:
        moment = as_utc(moment, "expiresAt")
        if moment <= datetime.now(UTC):
            raise ValueError("expiresAt must be in the future")
        if moment - datetime.now(UTC) > timedelta(days=366):
            raise ValueError("a grant lasts at most a year")
        return moment


class GrantOut(CamelModel):
    owner_id: str
    expert_id: str
    expires_at: str
    created_at: str


class Analysis(CamelModel):
    type: str
    period: Literal["7d", "30d"]
    unit: str = Field(description="The canonical unit of min/max/mean (blood_pressure: systolic mmHg)")
    count: int
    min: float | None
    max: float | None
    mean: float | None
    trend: Literal["rising", "falling", "stable", "insufficient_data"]
    out_of_range: int
    reference_range: dict[str, float] | None = Field(default=None, alias="referenceRange")


class ReportAccepted(CamelModel):
    report_id: str
    status: str
    period_from: str = Field(alias="from")
    period_to: str = Field(alias="to")
    created_at: str


class ReportOut(ReportAccepted):
    json_url: str | None = Field(default=None, alias="jsonUrl")
    pdf_url: str | None = Field(default=None, alias="pdfUrl")
    url: str | None = Field(default=None, description="The PDF's URL (as pdfUrl), when ready")
    expires_at: str | None = Field(default=None, alias="expiresAt")
    error: str | None = None


class ExpertIn(CamelBody):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
    specialty: Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
    bio: Annotated[str, StringConstraints(max_length=4000)] | None = None


class ExpertOut(CamelModel):
    expert_id: str
    name: str
    specialty: str
    bio: str | None = None
    status: Literal["pending", "verified"]
    created_at: str
    verified_at: str | None = None


class SlotIn(CamelBody):
    starts_at: datetime = Field(alias="startsAt")
    minutes: Annotated[int, Field(ge=5, le=240)] = 30

    @field_validator("starts_at")
    @classmethod
    def _future(cls, moment: datetime) -> datetime:
        moment = as_utc(moment, "startsAt")
        if moment <= datetime.now(UTC):
            raise ValueError("startsAt must be in the future")
        return moment


class SlotOut(CamelModel):
    slot_id: str
    expert_id: str
    starts_at: str
    minutes: int
    booked: bool


class BookingIn(CamelBody):
    slot_id: Id = Field(alias="slotId")
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class BookingOut(CamelModel):
    booking_id: str
    slot_id: str
    expert_id: str
    user_id: str
    starts_at: str
    status: Literal["booked", "in_progress", "completed", "cancelled"]
    created_at: str
    updated_at: str | None = None


class StatusIn(CamelBody):
    status: Literal["in_progress", "completed", "cancelled"]


class MessageIn(CamelBody):
    body: Annotated[str, StringConstraints(min_length=1, max_length=4000)]


class ConsultationMessage(CamelModel):
    message_id: str
    consultation_id: str
    sender_id: str
    body: str
    created_at: str


class CourseIn(CamelBody):
    title: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
    description: Annotated[str, StringConstraints(max_length=4000)] = ""
    lessons: Annotated[int, Field(ge=1, le=500)] = 1


class CourseOut(CamelModel):
    course_id: str
    title: str
    description: str
    lessons: int
    created_at: str


class Enrolment(CamelModel):
    course_id: str
    user_id: str
    enrolled_at: str
