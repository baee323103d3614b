"""Scheduled: a reservation not confirmed within 15 minutes is released and its order cancelled (the saga
normally finishes in seconds; this is the safety net for an execution that died or hung)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import orders_store, saga
from apps.marketplace.manifest import SERVICE
from functions.monitoring.client import MonitoringClient, job_recorder
from shared.jobs import Job, JobResult, JobRun

monitoring = MonitoringClient(SERVICE)
job = Job(
    SERVICE.function("reservations-job"),
    job_type="reservation-expiry",
    record=job_recorder(monitoring),
    report_idle=False,
)
logger = job.logger
HOLD = timedelta(minutes=15)


def release_expired(now: datetime) -> JobResult:
    cutoff = (now - HOLD).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    done, errors = 0, []
    for tenant_id, order_id in orders_store.held_before(cutoff):
        try:
            saga.cancel_pending(tenant_id, order_id, "reservation expired")
            done += 1
        except Exception as exc:  # one order's failure must not stop the others; the next run retries
            errors.append(f"{tenant_id}/{order_id}: {exc}")
    return JobResult(processed_items=done, errors=errors)


@job.work
def expire(run: JobRun) -> JobResult:
    return release_expired(datetime.now(UTC))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return job.handle(event, context)
