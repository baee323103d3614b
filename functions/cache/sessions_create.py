"""POST /internal/sessions/create — open a session for a user and return its first refresh token."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.cache import sessions
from functions.cache.manifest import SERVICE
from functions.cache.models import NewSession, SessionCreated
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("sessions-create"))
logger = app.logger


@app.endpoint
def sessions_create(body: NewSession) -> SessionCreated:
    """Open a session for a user and return its first refresh token."""
    return sessions.create(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
