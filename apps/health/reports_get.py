"""GET /api/v1/apps/health/reports/{reportId} - a report's status and, when ready, its URLs."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import reports
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import ReportOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("reports-get"), access=ACCESS)
logger = app.logger


@app.endpoint
def get_report(report_id: Annotated[str, Path(alias="reportId", max_length=128)]) -> ReportOut:
    """One of the caller's reports: status, and download URLs when ready."""
    return reports.get(report_id)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
