"""PUT /creators/{creatorId}/portfolio/{itemId} — edit a draft or rejected item."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, creators
from apps.marketplace.creator_models import PortfolioIn, PortfolioItemOut
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("portfolio-update"), access=access.ACCESS)
logger = app.logger
CreatorId = Annotated[str, Path(max_length=64)]
ItemId = Annotated[str, Path(max_length=64)]


@app.endpoint
def update_item(creatorId: CreatorId, itemId: ItemId, body: PortfolioIn) -> PortfolioItemOut:
    """Edit a draft (or a rejected item, which becomes a draft again)."""
    return creators.edit_item(creatorId, itemId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
