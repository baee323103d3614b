"""GET /api/v1/metrics/summary?days= — the caller's tenant's counters: today, each of the last days and
their total (metrics.read)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.monitoring import counting
from functions.monitoring.manifest import SERVICE
from functions.monitoring.models import Summary
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("summary"))
logger = app.logger


@app.endpoint
def summary(days: Annotated[int, Query(ge=1, le=90)] = 30) -> Summary:
    """Logins, uploads and bytes, users and tenants created or deleted, per UTC day and in total."""
    return counting.summary(days)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
