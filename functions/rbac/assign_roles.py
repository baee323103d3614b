"""POST /internal/users/{userId}/assign-roles — a new user's roles item with exactly the given roles."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import grants
from functions.rbac.manifest import SERVICE
from functions.rbac.models import USER_ID_PATTERN, RolesRequest, UserRoles
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("assign-roles"))
logger = app.logger


@app.endpoint
def assign_roles(body: RolesRequest, userId: Annotated[str, Path(pattern=USER_ID_PATTERN)]) -> UserRoles:
    """Create the user's roles item with exactly these roles (users calls it for an accepted invitation)."""
    return grants.assign_roles(body.tenant_id, userId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
