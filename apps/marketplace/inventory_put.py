"""PUT /api/v1/apps/marketplace/products/{productId}/inventory — set stock (product.write)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, inventory
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import InventoryIn, InventoryOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("inventory-put"), access=access.ACCESS)
logger = app.logger
ProductId = Annotated[str, Path(max_length=64)]


@app.endpoint
def put_inventory(productId: ProductId, body: InventoryIn) -> InventoryOut:
    """Set a product's available stock."""
    return inventory.put(productId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
