"""POST /creators/{creatorId}/portfolio/{itemId}/submit — submit a draft for review."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, creators
from apps.marketplace.creator_models import PortfolioItemOut
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("portfolio-submit"), access=access.ACCESS)
logger = app.logger
CreatorId = Annotated[str, Path(max_length=64)]
ItemId = Annotated[str, Path(max_length=64)]


@app.endpoint
def submit_item(creatorId: CreatorId, itemId: ItemId) -> PortfolioItemOut:
    """Submit a draft for review."""
    return creators.submit_item(creatorId, itemId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
