"""POST /api/v1/apps/health/readings/batch - up to 500 readings, all or nothing."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import readings
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import BatchResult, ReadingBatchIn
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("readings-batch"), access=ACCESS)
logger = app.logger


@app.endpoint
def create_readings(body: ReadingBatchIn) -> BatchResult:
    """Record up to 500 readings; one invalid reading → 400 naming its index, nothing written."""
    return readings.record_batch(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
