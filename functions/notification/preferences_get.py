"""GET /api/v1/notifications/preferences — the caller's channel preferences."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notification import service
from functions.notification.manifest import SERVICE
from functions.notification.models import Preferences
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("preferences-get"))
logger = app.logger


@app.endpoint
def preferences_get() -> Preferences:
    """Email, SMS and in-app opt-in of the caller (defaults: email and in-app on, SMS off)."""
    return service.get_preferences()


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
