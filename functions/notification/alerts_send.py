"""POST /internal/alerts/send — seed 000 scenario 4: alert the platform admins and the given addresses."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notification import service
from functions.notification.manifest import SERVICE
from functions.notification.models import AlertRequest, AlertResult
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("alerts-send"))
logger = app.logger


@app.endpoint
def alerts_send(body: AlertRequest) -> AlertResult:
    """Send the alert once per job id (or identical body); → how many deliveries are sent."""
    return service.send_alert(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
