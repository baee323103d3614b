"""POST /internal/users/{userId}/forget — drop a deleted user's roles (users calls it; idempotent)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import assignments
from functions.rbac.manifest import SERVICE
from functions.rbac.models import USER_ID_PATTERN, ForgetRequest, Forgotten
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("forget-user"))
logger = app.logger


@app.endpoint
def forget_user(body: ForgetRequest, userId: Annotated[str, Path(pattern=USER_ID_PATTERN)]) -> Forgotten:
    """Delete the user's roles item; forgetting an unknown user is not an error."""
    assignments.forget(body.tenant_id, userId)
    return Forgotten()


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
