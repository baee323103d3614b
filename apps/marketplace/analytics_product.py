"""GET /api/v1/apps/marketplace/analytics/products/{productId}?from=&to= — one product's figures."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, analytics
from apps.marketplace.analytics_models import ProductFigures
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("analytics-product"), access=access.ACCESS)
logger = app.logger
DATE = r"^\d{4}-\d{2}-\d{2}$"


@app.endpoint
def product_figures(
    productId: Annotated[str, Path(max_length=64)],
    from_: Annotated[str | None, Query(alias="from", pattern=DATE)] = None,
    to: Annotated[str | None, Query(pattern=DATE)] = None,
) -> ProductFigures:
    """One product's views, orders, units, revenue and conversion over a date range."""
    return analytics.product(productId, from_, to)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
