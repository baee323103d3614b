"""POST /api/v1/apps/marketplace/products — add a product (product.write)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, products
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import ProductIn, ProductOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("products-create"), access=access.ACCESS)
logger = app.logger


@app.endpoint
def create_product(body: ProductIn) -> ProductOut:
    """Add a product to the caller's storefront."""
    return products.create(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
