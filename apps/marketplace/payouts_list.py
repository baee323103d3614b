"""GET /creators/{creatorId}/payouts — the creator's payouts, newest first."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, revenue
from apps.marketplace.creator_models import PayoutOut
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("payouts-list"), access=access.ACCESS)
logger = app.logger
CreatorId = Annotated[str, Path(max_length=64)]


@app.endpoint
def list_payouts(creatorId: CreatorId) -> list[PayoutOut]:
    """The creator's payouts, newest first."""
    return revenue.payouts(creatorId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
