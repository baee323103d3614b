"""POST /creators/{creatorId}/payouts — request a payout of available revenue."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, revenue
from apps.marketplace.creator_models import PayoutOut, PayoutRequest
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("payouts-request"), access=access.ACCESS)
logger = app.logger
CreatorId = Annotated[str, Path(max_length=64)]


@app.endpoint
def request_payout(creatorId: CreatorId, body: PayoutRequest) -> PayoutOut:
    """Request a payout (at most what is available); a job processes it."""
    return revenue.request_payout(creatorId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
