"""GET /creators/{creatorId} — a creator's profile (the creator, or creator.review)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, creators
from apps.marketplace.creator_models import CreatorOut
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("creators-get"), access=access.ACCESS)
logger = app.logger
CreatorId = Annotated[str, Path(max_length=64)]


@app.endpoint
def get_creator(creatorId: CreatorId) -> CreatorOut:
    """A creator's profile and verification status."""
    return creators.get(creatorId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
