"""POST /api/v1/apps/marketplace/orders/{orderId}/cancel — refund and cancel a paid order."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, orders
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import OrderOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("orders-cancel"), access=access.ACCESS)
logger = app.logger


@app.endpoint
def cancel_order(orderId: Annotated[str, Path(max_length=64)]) -> OrderOut:
    """Cancel a paid order; the payment is refunded."""
    return orders.cancel(orderId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
