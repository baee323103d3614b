"""GET /api/v1/registry/services — the registered apps (active ones unless includeInactive=true)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.registry import apps
from functions.registry.manifest import SERVICE
from functions.registry.models import AppService
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("list"))
logger = app.logger


@app.endpoint
def list_services(
    includeInactive: Annotated[bool, Query(description="Also the inactive and deregistered apps")] = False,
) -> list[AppService]:
    """The apps, each with `active` and `lastHeartbeat` (platform admin)."""
    return apps.listed(includeInactive)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
