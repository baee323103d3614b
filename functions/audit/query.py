"""GET /api/v1/audit?type=&userId=&from=&to=&pageSize=&cursor= — the caller's tenant's audit records,
newest first (audit.read). Read-only: no endpoint updates or deletes a record."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.audit import records
from functions.audit.manifest import SERVICE
from functions.audit.models import AuditRecordOut
from functions.audit.records import EVENT_TYPE, USER_ID
from shared.envelopes import Page
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("query"))
logger = app.logger
# Any ISO-8601 instant (one without an offset means UTC); `from` must not be after `to`.
TIMESTAMP = {"format": "date-time"}


@app.endpoint
def query(
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
) -> Page[AuditRecordOut]:
    """The tenant's audit records by type, user (actor or subject) and time, with the total."""
    return records.search(
        event_type=event_type, user_id=user_id, since=since, until=until, page_size=page_size, cursor=cursor
    )


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
