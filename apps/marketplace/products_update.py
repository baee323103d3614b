"""PUT /api/v1/apps/marketplace/products/{productId} — replace a product (product.write)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, products
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import ProductIn, ProductOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("products-update"), access=access.ACCESS)
logger = app.logger
ProductId = Annotated[str, Path(max_length=64)]


@app.endpoint
def update_product(productId: ProductId, body: ProductIn) -> ProductOut:
    """Replace a product's fields."""
    return products.update(productId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
