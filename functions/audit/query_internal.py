"""GET /internal/audit?type=&userId=&from=&to=&pageSize=&cursor= — the audit records of the acting user's
tenant (`X-User-Context`): audit.read and the same filters as `GET /api/v1/audit`."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.audit import records
from functions.audit.listing_models import AuditListing
from functions.audit.manifest import SERVICE
from functions.audit.records import EVENT_TYPE, USER_ID
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("query-internal"))
logger = app.logger

TIMESTAMP = {"format": "date-time"}


@app.endpoint
def query_internal(
    event_type: Annotated[
        str | None, Query(alias="type", max_length=64, json_schema_extra={"pattern": EVENT_TYPE.pattern})
    ] = None,
    user_id: Annotated[
        str | None, Query(alias="userId", max_length=128, json_schema_extra={"pattern": USER_ID.pattern})
    ] = None,
    since: Annotated[str | None, Query(alias="from", max_length=64, json_schema_extra=TIMESTAMP)] = None,
    until: Annotated[str | None, Query(alias="to", max_length=64, json_schema_extra=TIMESTAMP)] = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> AuditListing:
    """The acting user's tenant's records by type, user and time, newest first, with the total."""
    page = records.search(
        event_type=event_type, user_id=user_id, since=since, until=until, page_size=page_size, cursor=cursor
    )
    return AuditListing(
        records=page.data, total=page.pagination.total, next_cursor=page.pagination.next_cursor
    )


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
