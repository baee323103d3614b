"""GET /api/v1/roles — the caller's tenant's roles, built-in ones included."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import roles
from functions.rbac.manifest import SERVICE
from functions.rbac.models import Role
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("roles-list"))
logger = app.logger


@app.endpoint
def roles_list() -> list[Role]:
    """Every role of the caller's tenant: tenant_admin, member (or its override), then custom roles."""
    return roles.list_roles(require().require_user().tenant_id)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
