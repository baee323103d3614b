"""GET /api/v1/apps/marketplace/products/{productId} — one product (public)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, products
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import ProductOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("products-get"), access=access.ACCESS, anonymous=True)
logger = app.logger
ProductId = Annotated[str, Path(max_length=64)]


@app.endpoint
def get_product(productId: ProductId) -> ProductOut:
    """One product of the storefront."""
    return products.get_product(access.storefront_tenant(), productId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
