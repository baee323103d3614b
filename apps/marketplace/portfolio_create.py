"""POST /creators/{creatorId}/portfolio — a new draft item."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, creators
from apps.marketplace.creator_models import PortfolioIn, PortfolioItemOut
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("portfolio-create"), access=access.ACCESS)
logger = app.logger
CreatorId = Annotated[str, Path(max_length=64)]


@app.endpoint
def create_item(creatorId: CreatorId, body: PortfolioIn) -> PortfolioItemOut:
    """Add a portfolio item as a draft."""
    return creators.add_item(creatorId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
