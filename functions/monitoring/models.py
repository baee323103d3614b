"""Monitoring's bodies: the counters, the summary, and job executions (camelCase on the wire)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, computed_field

from shared.models import CamelBody, CamelModel

# The counters each tenant keeps per UTC day, by their stored (and wire) names.
COUNTERS = (
    "logins",
    "uploads",
    "uploadBytes",
    "deletedFiles",
    "deletedBytes",
    "usersCreated",
    "usersDeleted",
    "tenantsCreated",
    "jobsCompleted",
    "jobsFailed",
)
# Strict: `"5"`, `5.0` and `true` are not amounts. The bound keeps numbers well inside DynamoDB's.
Amount = Annotated[int, Field(strict=True, ge=0, le=10**15)]
# Job ids and types become key parts: no `#`, nothing a key could be forged with.
JobName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")]


class Counters(CamelModel):
    logins: int = 0
    uploads: int = 0
    upload_bytes: int = Field(default=0)
    deleted_files: int = Field(default=0)
    deleted_bytes: int = Field(default=0)
    users_created: int = Field(default=0)
    users_deleted: int = Field(default=0)
    tenants_created: int = Field(default=0)
    jobs_completed: int = Field(default=0)
    jobs_failed: int = Field(default=0)

    @computed_field(alias="netUploadedBytes")  # type: ignore[prop-decorator]
    @property
    def net_uploaded_bytes(self) -> int:
        """Bytes uploaded minus bytes deleted in the same period: a change, not the tenant's storage (files
        uploaded before the period and deleted in it make it negative)."""
        return self.upload_bytes - self.deleted_bytes

    def plus(self, other: Counters) -> Counters:
        return Counters.model_validate(
            {name: getattr(self, f) + getattr(other, f) for f, name in _FIELDS.items()}
        )


_FIELDS = {f: info.alias or f for f, info in Counters.model_fields.items()}


class DayCounters(Counters):
    date: str


class Summary(CamelModel):
    tenant_id: str
    today: Counters
    total: Counters
    days: list[DayCounters]  # oldest first, one per day of the window (days without events are zeros)


# --- job executions ----------------------------------------------------------------------------------
class ExecutionReport(CamelBody):
    job_id: JobName
    job_type: JobName
    status: Literal["completed", "failed"]
    duration: Amount  # milliseconds
    processed_items: Amount
    errors: Annotated[list[Annotated[str, Field(max_length=2000)]], Field(max_length=100)] = Field(
        default_factory=list
    )
    started_at: Annotated[str, Field(max_length=64)] | None = Field(default=None)


class Execution(CamelModel):
    job_id: str
    job_type: str
    status: str
    duration: int
    processed_items: int
    errors: list[str]
    started_at: str
    finished_at: str
