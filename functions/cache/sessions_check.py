"""POST /internal/sessions/check — tell whether a session is still usable, and the user's epoch."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.cache import admission
from functions.cache.manifest import SERVICE
from functions.cache.models import SessionRef, SessionState
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("sessions-check"))
logger = app.logger


@app.endpoint
def sessions_check(body: SessionRef) -> SessionState:
    """Tell whether a session is still usable, and the user's epoch."""
    return admission.check(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
