"""GET /internal/notifications?unread=&pageSize=&cursor= — the in-app inbox of the user another service
acts for (`X-User-Context`): notification.read, exactly as `GET /api/v1/notifications`."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notification import service
from functions.notification.listing_models import InboxListing
from functions.notification.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("inbox-internal"))
logger = app.logger


@app.endpoint
def inbox_internal(
    unread: Annotated[bool, Query()] = False,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> InboxListing:
    """The acting user's notifications, newest first (only the unread with `unread=true`)."""
    page = service.inbox(unread=unread, page_size=page_size, cursor=cursor)
    return InboxListing(
        notifications=page.data, total=page.pagination.total, next_cursor=page.pagination.next_cursor
    )


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
