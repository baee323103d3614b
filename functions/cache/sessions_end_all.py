"""POST /internal/sessions/end-all — end every session of a user at once (a password reset)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.cache import sessions
from functions.cache.manifest import SERVICE
from functions.cache.models import SessionsEnded, UserSessionsEnd
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("sessions-end-all"))
logger = app.logger


@app.endpoint
def sessions_end_all(body: UserSessionsEnd) -> SessionsEnded:
    """End every session of the user: its access and refresh tokens stop working on their next use."""
    return sessions.end_all(body.tenant_id, body.user_id)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
