"""GET /creators/{creatorId}/revenue — earned, pending and paid out (the creator only, or payout.manage)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, revenue
from apps.marketplace.creator_models import Revenue
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("creators-revenue"), access=access.ACCESS)
logger = app.logger
CreatorId = Annotated[str, Path(max_length=64)]


@app.endpoint
def get_revenue(creatorId: CreatorId) -> Revenue:
    """The creator's balances per currency: earned, pending payout, paid out, available."""
    return revenue.revenue(creatorId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
