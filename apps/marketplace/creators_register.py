"""POST /creators/register — become a creator of the caller's tenant (pending until verified)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, creators
from apps.marketplace.creator_models import CreatorOut, CreatorRegistration
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("creators-register"), access=access.ACCESS)
logger = app.logger
CreatorId = Annotated[str, Path(max_length=64)]


@app.endpoint
def register(body: CreatorRegistration) -> CreatorOut:
    """Register the caller as a creator: `pending` until a reviewer verifies their documents."""
    return creators.register(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
