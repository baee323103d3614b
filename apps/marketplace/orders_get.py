"""GET /api/v1/apps/marketplace/orders/{orderId} — an order with each saga step."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, orders
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import OrderOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("orders-get"), access=access.ACCESS)
logger = app.logger


@app.endpoint
def get_order(orderId: Annotated[str, Path(max_length=64)]) -> OrderOut:
    """An order: its status, the reason if cancelled, and each saga step."""
    return orders.get(orderId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
