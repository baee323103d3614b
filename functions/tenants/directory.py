"""GET /internal/tenants?pageSize=&cursor= — every tenant id, a page at a time (jobs visit each tenant)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.tenants import ports
from functions.tenants.manifest import SERVICE
from functions.tenants.models import Directory
from shared.http_app import HttpApp
from shared.identifiers import TENANT_ID_PATTERN

app = HttpApp(SERVICE.function("directory"))
logger = app.logger


@app.endpoint
def directory(
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(pattern=TENANT_ID_PATTERN)] = None,
) -> Directory:
    """Tenant ids in id order; `cursor` is the last id of the previous page."""
    ids, last = ports.store().tenant_ids(page_size=page_size, after=cursor)
    return Directory(tenant_ids=ids, next_cursor=last)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
