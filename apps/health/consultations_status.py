"""POST /api/v1/apps/health/consultations/{consultationId}/status - move a consultation along."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import consultations
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import BookingOut, StatusIn
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("consultations-status"), access=ACCESS)
logger = app.logger


@app.endpoint
def move_consultation(
    consultation_id: Annotated[str, Path(alias="consultationId", max_length=128)], body: StatusIn
) -> BookingOut:
    """booked -> in_progress -> completed (the expert), or booked -> cancelled (either party)."""
    return consultations.move(consultation_id, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
