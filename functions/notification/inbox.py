"""GET /api/v1/notifications?unread=&pageSize=&cursor= — the caller's in-app inbox, newest first."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notification import service
from functions.notification.manifest import SERVICE
from functions.notification.models import InboxEntry
from shared.envelopes import Page
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("inbox"))
logger = app.logger


@app.endpoint
def inbox(
    unread: bool = False,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[InboxEntry]:
    """The caller's notifications (only the unread with `unread=true`), with the maintained total."""
    return service.inbox(unread=unread, page_size=page_size, cursor=cursor)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
