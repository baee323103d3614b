"""The export routes' answers (offboarding: functions/files/exports.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ExportAccepted(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    export_id: str = Field(alias="exportId")


class ExportStatus(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    export_id: str = Field(alias="exportId")
    status: Literal["pending", "running", "completed", "failed"]
    progress: int = Field(ge=0, le=100)
    created_at: str = Field(alias="createdAt")
    url: str | None = None  # a presigned GET, fresh on each read, once completed
    expires_at: str | None = Field(default=None, alias="expiresAt")  # of the url
    size_bytes: int | None = Field(default=None, alias="sizeBytes")
    error: str | None = None
