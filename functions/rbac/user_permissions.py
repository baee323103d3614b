"""GET /api/v1/users/{userId}/permissions — a user's roles and permissions (self, or user.read)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import assignments
from functions.rbac.manifest import SERVICE
from functions.rbac.models import USER_ID_PATTERN, UserPermissions
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("user-permissions"))
logger = app.logger


@app.endpoint
def user_permissions(userId: Annotated[str, Path(pattern=USER_ID_PATTERN)]) -> UserPermissions:
    """The roles and effective permissions of a user of the caller's tenant."""
    return assignments.user_permissions(require().require_user(), userId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
