"""POST /creators/{creatorId}/portfolio/{itemId}/review — review an item (creator.review)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, creators
from apps.marketplace.creator_models import PortfolioItemOut, PortfolioReview
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("portfolio-review"), access=access.ACCESS)
logger = app.logger
CreatorId = Annotated[str, Path(max_length=64)]
ItemId = Annotated[str, Path(max_length=64)]


@app.endpoint
def review(creatorId: CreatorId, itemId: ItemId, body: PortfolioReview) -> PortfolioItemOut:
    """Take a submitted item under review, then approve or reject it with feedback."""
    return creators.review_item(creatorId, itemId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
