"""POST /api/v1/registry/services/{serviceId}/deregister — a platform admin, or the app itself with its own
registration token, takes it off the platform."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.registry import apps
from functions.registry.manifest import SERVICE
from functions.registry.models import SERVICE_ID_PATTERN
from shared.http_app import HttpApp

# A registration token is not an access token: the handler checks it when the authorizer found no user.
app = HttpApp(SERVICE.function("deregister"), anonymous=True)
logger = app.logger
ServiceIdPath = Annotated[str, Path(pattern=SERVICE_ID_PATTERN)]


@app.endpoint
def deregister(serviceId: ServiceIdPath) -> Response[None]:
    """Deregister the app: its routes answer 503 and its name is free again."""
    headers = {k.lower(): v for k, v in (app.current_event.headers or {}).items()}
    apps.deregister(serviceId, headers)
    return Response(status_code=204)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
