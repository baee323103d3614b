"""Scheduled: requested payouts are processed (`requested → paidOut`, payout.processed). The transfer of
money itself is outside the platform (a bank export or the provider's dashboard): this settles the ledger."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import revenue
from apps.marketplace.manifest import SERVICE
from functions.monitoring.client import MonitoringClient, job_recorder
from shared.jobs import Job, JobResult, JobRun

monitoring = MonitoringClient(SERVICE)
job = Job(
    SERVICE.function("payouts-job"),
    job_type="creator-payouts",
    record=job_recorder(monitoring),
    report_idle=False,
)
logger = job.logger


@job.work
def process(run: JobRun) -> JobResult:
    done, errors = revenue.process_requested()
    return JobResult(processed_items=done, errors=errors)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return job.handle(event, context)
