"""GET /api/v1/apps/health/experts/{expertId}/slots - an expert's slots."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import bookings
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import SlotOut
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("slots-list"), access=ACCESS)
logger = app.logger


@app.endpoint
def list_slots(expert_id: Annotated[str, Path(alias="expertId", max_length=128)]) -> list[SlotOut]:
    """A verified expert's slots, with whether each is booked."""
    return bookings.slots(expert_id)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
