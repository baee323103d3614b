"""PUT /api/v1/notifications/templates/{name} — a tenant's own wording of a template (notification.manage)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notification import overrides
from functions.notification.manifest import SERVICE
from functions.notification.message_models import TemplateOut, TemplateText
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("templates-put"))
logger = app.logger


@app.endpoint
def templates_put(name: Annotated[str, Path(max_length=64)], body: TemplateText) -> TemplateOut:
    """Replace the subject and body the caller's tenant uses for a template (its variables only)."""
    return overrides.put(name, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
