"""GET /api/v1/apps/health/consultations/{consultationId}/messages - the consultation's messages."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import consultations
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import ConsultationMessage
from shared.app_http import AppHttpApp
from shared.envelopes import Page

app = AppHttpApp(SERVICE.function("consultations-messages-list"), access=ACCESS)
logger = app.logger


@app.endpoint
def list_messages(
    consultation_id: Annotated[str, Path(alias="consultationId", max_length=128)],
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[ConsultationMessage]:
    """A consultation's messages, oldest first (its member or its expert)."""
    return consultations.messages(consultation_id, page_size, cursor)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
