"""POST /internal/principals/user — move a user's epoch (and status); return the new epoch."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.cache import principals
from functions.cache.manifest import SERVICE
from functions.cache.models import Epoch, UserPrincipalChange
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("principals-user"))
logger = app.logger


@app.endpoint
def principals_user(body: UserPrincipalChange) -> Epoch:
    """Move a user's epoch (and set the status if given); return the new epoch."""
    return Epoch(epoch=principals.bump_user(body.tenant_id, body.user_id, body.status))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
