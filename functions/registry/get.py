"""GET /api/v1/registry/services/{serviceId} — one registered app (platform admin)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.registry import apps
from functions.registry.manifest import SERVICE
from functions.registry.models import SERVICE_ID_PATTERN, AppService
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("get"))
logger = app.logger
ServiceIdPath = Annotated[str, Path(pattern=SERVICE_ID_PATTERN)]


@app.endpoint
def get_service(serviceId: ServiceIdPath) -> AppService:
    """The app, with `active` and `lastHeartbeat`."""
    return apps.get(serviceId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
