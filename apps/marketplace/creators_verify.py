"""POST /creators/{creatorId}/verify — submit verification documents (file ids)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, creators
from apps.marketplace.creator_models import CreatorOut, VerificationRequest
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("creators-verify"), access=access.ACCESS)
logger = app.logger
CreatorId = Annotated[str, Path(max_length=64)]


@app.endpoint
def verify(creatorId: CreatorId, body: VerificationRequest) -> CreatorOut:
    """Submit documents for verification: the creator is under review."""
    return creators.submit_documents(creatorId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
