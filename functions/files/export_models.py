"""The export routes' answers (offboarding: functions/files/exports.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.models import CamelModel


class ExportAccepted(CamelModel):
    export_id: str


class ExportStatus(CamelModel):
    export_id: str
    status: Literal["pending", "running", "completed", "failed"]
    progress: int = Field(ge=0, le=100)
    created_at: str
    url: str | None = None  # a presigned GET, fresh on each read, once completed
    expires_at: str | None = Field(default=None)  # of the url
    size_bytes: int | None = Field(default=None)
    error: str | None = None
