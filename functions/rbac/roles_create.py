"""POST /api/v1/roles — create a role in the caller's tenant (role.write)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import roles
from functions.rbac.manifest import SERVICE
from functions.rbac.models import NewRole, Role
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("roles-create"))
logger = app.logger


@app.endpoint
def roles_create(body: NewRole) -> Role:
    """Create a role; a taken name (built-in ones included) is 409."""
    return roles.create_role(require().require_user(), body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
