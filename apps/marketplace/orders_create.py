"""POST /api/v1/apps/marketplace/orders — place an order; its saga runs on Step Functions."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, orders
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import OrderIn, OrderOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("orders-create"), access=access.ACCESS)
logger = app.logger


@app.endpoint
def create_order(
    body: OrderIn,
    idempotency_key: Annotated[str | None, Header(alias="idempotency-key", max_length=255)] = None,
) -> OrderOut:
    """Place an order: `pending` until its saga has reserved, charged and confirmed it (or cancelled it)."""
    return orders.create(body, idempotency_key)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
