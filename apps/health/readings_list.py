"""GET /api/v1/apps/health/readings?type=&from=&to=&userId=&pageSize=&cursor= - the caller's readings, or
(`userId`) a granting owner's, read by the expert they granted (audited)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.health import readings
from apps.health.access import ACCESS
from apps.health.manifest import SERVICE
from apps.health.models import ID_PATTERN, TYPE_PATTERN, ReadingOut
from shared.app_http import AppHttpApp
from shared.envelopes import Page

app = AppHttpApp(SERVICE.function("readings-list"), access=ACCESS)
logger = app.logger


@app.endpoint
def list_readings(
    reading_type: Annotated[str | None, Query(alias="type", pattern=TYPE_PATTERN)] = None,
    start: Annotated[str | None, Query(alias="from", max_length=64)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=64)] = None,
    user_id: Annotated[str | None, Query(alias="userId", pattern=ID_PATTERN)] = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[ReadingOut]:
    """Readings oldest first, of one type and time range if given; `userId` needs that owner's grant."""
    return readings.list_readings(reading_type, start, end, user_id, page_size, cursor)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
