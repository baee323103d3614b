"""POST /internal/sessions/rotate — a new refresh token for the current one; reuse revokes the session."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.cache import sessions
from functions.cache.manifest import SERVICE
from functions.cache.models import RefreshRequest, SessionRotated
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("sessions-rotate"))
logger = app.logger


@app.endpoint
def sessions_rotate(body: RefreshRequest) -> SessionRotated:
    """Exchange a refresh token for a new one (a reused token revokes the session)."""
    return sessions.rotate(body.refresh_token, body.next_secret)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
