"""DELETE /api/v1/users/{userId}/roles/{role} — take a role from a user (role.assign)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import assignments
from functions.rbac.manifest import SERVICE
from functions.rbac.models import ROLE_NAME_PATTERN, USER_ID_PATTERN, UserRoles
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("unassign"))
logger = app.logger


@app.endpoint
def unassign(
    userId: Annotated[str, Path(pattern=USER_ID_PATTERN)],
    role: Annotated[str, Path(pattern=ROLE_NAME_PATTERN)],
) -> UserRoles:
    """Remove the role (idempotent); publishes rbac.role_changed and refreshes the user's principal."""
    return assignments.unassign(require().require_user(), userId, role)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
