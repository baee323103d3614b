"""GET /internal/users/{userId}?tenantId= — one user, for another service (never the hash)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import reads
from functions.users.manifest import SERVICE
from functions.users.models import UserOut
from shared.http_app import HttpApp
from shared.identifiers import TENANT_ID_PATTERN

app = HttpApp(SERVICE.function("get-internal"))
logger = app.logger


@app.endpoint
def get_internal(
    userId: str,
    tenant_id: Annotated[str, Query(alias="tenantId", pattern=TENANT_ID_PATTERN)],
) -> UserOut:
    """One user of the tenant the calling service names."""
    return reads.get_internal(tenant_id, userId)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
