"""PUT /api/v1/notifications/preferences — change some of the caller's channel preferences."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notification import service
from functions.notification.manifest import SERVICE
from functions.notification.models import Preferences, PreferencesPatch
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("preferences-put"))
logger = app.logger


@app.endpoint
def preferences_put(body: PreferencesPatch) -> Preferences:
    """Set the channels given (strict booleans); → all the caller's preferences after the change."""
    return service.put_preferences(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
