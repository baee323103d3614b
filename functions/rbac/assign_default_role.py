"""POST /internal/users/{userId}/assign-default-role — give a new user its default role (users calls it)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import assignments
from functions.rbac.manifest import SERVICE
from functions.rbac.models import USER_ID_PATTERN, DefaultRoleRequest, UserRoles
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("assign-default-role"))
logger = app.logger


@app.endpoint
def assign_default_role(
    body: DefaultRoleRequest, userId: Annotated[str, Path(pattern=USER_ID_PATTERN)]
) -> UserRoles:
    """Create the user's roles item with the role of its user type."""
    return assignments.assign_default_role(body.tenant_id, userId, body.user_type)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
