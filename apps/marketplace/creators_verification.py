"""PUT /creators/{creatorId}/verification — verify or reject (creator.review)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, creators
from apps.marketplace.creator_models import CreatorOut, VerificationDecision
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("creators-verification"), access=access.ACCESS)
logger = app.logger
CreatorId = Annotated[str, Path(max_length=64)]


@app.endpoint
def decide(creatorId: CreatorId, body: VerificationDecision) -> CreatorOut:
    """Verify a creator under review (optionally setting their commission), or reject with feedback."""
    return creators.decide_verification(creatorId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
