"""GET /api/v1/apps/marketplace/products/categories — categories with counts (public)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, products
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import CategoryCount
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("products-categories"), access=access.ACCESS, anonymous=True)
logger = app.logger


@app.endpoint
def categories() -> list[CategoryCount]:
    """The storefront's categories and how many products each holds."""
    return products.categories(access.storefront_tenant())


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
