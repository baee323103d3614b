"""GET /api/v1/apps/marketplace/analytics/overview?from=&to= — the storefront's figures (analytics.read)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, analytics
from apps.marketplace.analytics_models import Overview
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("analytics-overview"), access=access.ACCESS)
logger = app.logger
DATE = r"^\d{4}-\d{2}-\d{2}$"


@app.endpoint
def overview(
    from_: Annotated[str | None, Query(alias="from", pattern=DATE)] = None,
    to: Annotated[str | None, Query(pattern=DATE)] = None,
) -> Overview:
    """Views, orders, revenue and conversion over a date range (default: the last 30 days), by day."""
    return analytics.overview(from_, to)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
