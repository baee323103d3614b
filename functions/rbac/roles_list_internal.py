"""GET /internal/roles — the roles of the acting user's tenant (`X-User-Context`), built-in ones included."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.rbac import listing
from functions.rbac.listing_models import RoleListing
from functions.rbac.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("roles-list-internal"))
logger = app.logger


@app.endpoint
def roles_list_internal() -> RoleListing:
    """Every role of the acting user's tenant, as `GET /api/v1/roles` lists them."""
    return listing.role_listing()


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
