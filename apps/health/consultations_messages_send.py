"""POST /api/v1/apps/health/consultations/{consultationId}/messages - a message in an open consultation."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import consultations
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import ConsultationMessage, MessageIn
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("consultations-messages-send"), access=ACCESS)
logger = app.logger


@app.endpoint
def send_message(
    consultation_id: Annotated[str, Path(alias="consultationId", max_length=128)], body: MessageIn
) -> ConsultationMessage:
    """Send a message in an open consultation (its member or its expert)."""
    return consultations.send(consultation_id, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
