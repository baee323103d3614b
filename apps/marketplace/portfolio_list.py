"""GET /creators/{creatorId}/portfolio — the creator's portfolio items."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, creators
from apps.marketplace.creator_models import PortfolioItemOut
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("portfolio-list"), access=access.ACCESS)
logger = app.logger
CreatorId = Annotated[str, Path(max_length=64)]


@app.endpoint
def list_items(creatorId: CreatorId) -> list[PortfolioItemOut]:
    """Every portfolio item of the creator, with its review status and feedback."""
    return creators.portfolio(creatorId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
