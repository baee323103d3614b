"""POST /internal/maintenance/purge-sessions — delete expired sessions (the purge job; system token)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.cache import sessions
from functions.cache.manifest import SERVICE
from functions.cache.models import Purge, Purged
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("purge-sessions"))
logger = app.logger


@app.endpoint
def purge_sessions(body: Purge) -> Purged:
    """Sessions whose expiry passed within the last `days` days, at most `limit` of them."""
    return sessions.purge_expired(days=body.days, limit=body.limit)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
