"""PUT /api/v1/roles/{name} — replace a role's permissions (role.write); tenant_admin is immutable."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import roles
from functions.rbac.manifest import SERVICE
from functions.rbac.models import ROLE_NAME_PATTERN, Role, RoleUpdate
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("roles-update"))
logger = app.logger


@app.endpoint
def roles_update(body: RoleUpdate, name: Annotated[str, Path(pattern=ROLE_NAME_PATTERN)]) -> Role:
    """Replace the permissions of a custom role or of `member` (which stores the tenant's override)."""
    return roles.update_role(require().require_user(), name, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
