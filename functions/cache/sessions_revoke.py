"""POST /internal/sessions/revoke — revoke a session (idempotent: an unknown or revoked one is fine)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.cache import sessions
from functions.cache.manifest import SERVICE
from functions.cache.models import RevokeRequest, SessionRevoked
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("sessions-revoke"))
logger = app.logger


@app.endpoint
def sessions_revoke(body: RevokeRequest) -> SessionRevoked:
    """Revoke a session (idempotent: an unknown or revoked one is fine)."""
    sessions.revoke(body.tenant_id, body.session_id)
    return SessionRevoked()


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
