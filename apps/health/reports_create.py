"""POST /api/v1/apps/health/reports - ask for the caller's weekly report (202; built by the subscriber)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import reports
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import ReportAccepted
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("reports-create"), access=ACCESS)
logger = app.logger


@app.endpoint
def create_report() -> ReportAccepted:
    """Ask for the caller's weekly report (JSON and PDF), built asynchronously."""
    return reports.request()


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
