"""GET /api/v1/registry/services/{serviceId}/deliveries — an app's recent webhook attempts (platform
admin)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.registry import apps
from functions.registry.manifest import SERVICE
from functions.registry.models import SERVICE_ID_PATTERN, DeliveryAttempt
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("deliveries"))
logger = app.logger
ServiceIdPath = Annotated[str, Path(pattern=SERVICE_ID_PATTERN)]


@app.endpoint
def deliveries(
    serviceId: ServiceIdPath,
    limit: Annotated[int, Query(ge=1, le=100, description="How many attempts, newest first")] = 50,
) -> list[DeliveryAttempt]:
    """Each attempt: event, attempt number, status (delivered, failed, dead_lettered), HTTP status."""
    return apps.deliveries(serviceId, limit)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
