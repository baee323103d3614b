"""POST /api/v1/apps/health/experts/{expertId}/slots - the expert adds an availability slot."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import bookings
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import SlotIn, SlotOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("slots-create"), access=ACCESS)
logger = app.logger


@app.endpoint
def create_slot(expert_id: Annotated[str, Path(alias="expertId", max_length=128)], body: SlotIn) -> SlotOut:
    """Add an availability slot to the caller's own verified expert profile."""
    return bookings.add_slot(expert_id, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
