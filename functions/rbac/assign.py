"""POST /api/v1/users/{userId}/roles — give a user of the caller's tenant a role (role.assign)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import assignments
from functions.rbac.manifest import SERVICE
from functions.rbac.models import USER_ID_PATTERN, AssignRequest, UserRoles
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("assign"))
logger = app.logger


@app.endpoint
def assign(body: AssignRequest, userId: Annotated[str, Path(pattern=USER_ID_PATTERN)]) -> UserRoles:
    """Assign the role (idempotent); publishes rbac.role_changed and refreshes the user's principal."""
    return assignments.assign(require().require_user(), userId, body.role)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
