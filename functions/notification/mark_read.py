"""POST /api/v1/notifications/{notificationId}/read — mark one of the caller's notifications read (204)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notification import service
from functions.notification.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("mark-read"))
logger = app.logger


@app.endpoint
def mark_read(notificationId: str) -> None:
    """Mark the caller's own notification read; twice is fine, anyone else's is not found."""
    service.mark_read(notificationId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
