"""GET /api/v1/apps/health/analysis?type=&period=7d|30d - statistics of the caller's readings of a type."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import trends
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import TYPE_PATTERN, Analysis
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("analysis"), access=ACCESS)
logger = app.logger


@app.endpoint
def analyse(
    reading_type: Annotated[str, Query(alias="type", pattern=TYPE_PATTERN)],
    period: Annotated[Literal["7d", "30d"], Query()] = "7d",
) -> Analysis:
    """min, max, mean, trend and out-of-range count over the last 7 or 30 days."""
    return trends.analyse(reading_type, period)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
