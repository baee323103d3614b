"""POST /api/v1/apps/health/readings - record one of the caller's readings (sealed at rest)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import readings
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import ReadingIn, ReadingOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("readings-create"), access=ACCESS)
logger = app.logger


@app.endpoint
def create_reading(body: ReadingIn) -> ReadingOut:
    """Record one reading of the caller; an out-of-range one emits health.alert."""
    return readings.record(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
