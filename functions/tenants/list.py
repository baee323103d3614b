"""GET /api/v1/tenants?status=&plan=&pageSize=&cursor= — every tenant, a page at a time (platform admins)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import browse
from functions.tenants.manifest import SERVICE
from functions.tenants.models import Tenant
from functions.tenants.plans import Plan
from shared.envelopes import Page
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("list"))
logger = app.logger
Status = Literal["provisioning", "active", "suspended"]


@app.endpoint
def list(
    status: Annotated[Status | None, Query()] = None,
    plan: Annotated[Plan | None, Query()] = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[Tenant]:
    """Every tenant (platform admins), by id; with `status` and/or `plan`, only those."""
    return browse.list_tenants(status=status, plan=plan, page_size=page_size, cursor=cursor)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
