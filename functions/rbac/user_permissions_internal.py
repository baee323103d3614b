"""GET /internal/users/{userId}/permissions?tenantId= — a user's roles and effective permissions."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import assignments
from functions.rbac.manifest import SERVICE
from functions.rbac.models import USER_ID_PATTERN, TenantUserPermissions
from shared.http_app import HttpApp
from shared.identifiers import TENANT_ID_PATTERN

app = HttpApp(SERVICE.function("user-permissions-internal"))
logger = app.logger


@app.endpoint
def user_permissions_internal(
    userId: Annotated[str, Path(pattern=USER_ID_PATTERN)],
    tenant_id: Annotated[str, Query(alias="tenantId", pattern=TENANT_ID_PATTERN)],
) -> TenantUserPermissions:
    """The user's roles and the sorted union of their permissions; 404 USER_NOT_FOUND if unknown."""
    return assignments.tenant_user_permissions(tenant_id, userId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
