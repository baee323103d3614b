"""Scheduled jobs' results (seed 000 scenario 4): stored once per jobId, listed for platform admins.

A report arrives when the job has finished, so `finishedAt` is the time of the report and `startedAt` is
the job's own when it sends one, else `finishedAt - duration`. A second report of a jobId stores nothing
and answers the first one: a retried call must not make two executions (or count two).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions.monitoring import ports
from functions.monitoring.models import Execution, ExecutionReport
from functions.monitoring.ports import ExecutionRecord
from shared.context import require
from shared.envelopes import Page
from shared.errors import InvalidRequest, PermissionDenied
from shared.permissions import is_platform_admin


def record(report: ExecutionReport, *, now: datetime | None = None) -> Execution:
    finished = (now or datetime.now(UTC)).astimezone(UTC)
    started = (
        _instant(report.started_at)
        if report.started_at
        else finished - timedelta(milliseconds=report.duration)
    )
    stored = ports.store().insert_execution(
        ExecutionRecord(
            job_id=report.job_id,
            job_type=report.job_type,
            status=report.status,
            duration=report.duration,
            processed_items=report.processed_items,
            errors=list(report.errors),
            started_at=_iso(started),
            finished_at=_iso(finished),
        )
    )
    return _to_model(stored)


def recent(page_size: int, cursor: str | None) -> Page[Execution]:
    """Newest first, with the maintained count (platform admins only)."""
    caller = require().require_user()
    if not is_platform_admin(caller):
        raise PermissionDenied("Requires a platform administrator")
    items, next_cursor = ports.store().executions_page(page_size=page_size, cursor=cursor)
    return Page[Execution].of(
        [_to_model(i) for i in items],
        total=ports.store().executions_total(),
        page_size=page_size,
        cursor=cursor,
        next_cursor=next_cursor,
    )


def _instant(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidRequest("startedAt: must be an ISO-8601 timestamp", field="startedAt") from None


def _iso(instant: datetime) -> str:
    return instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _to_model(record: ExecutionRecord) -> Execution:
    return Execution(
        job_id=record.job_id,
        job_type=record.job_type,
        status=record.status,
        duration=record.duration,
        processed_items=record.processed_items,
        errors=list(record.errors),
        started_at=record.started_at,
        finished_at=record.finished_at,
    )
