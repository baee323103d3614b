"""GET /api/v1/users?pageSize=&cursor= — the caller's tenant's users, a page at a time (user.read)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import reads
from functions.users.manifest import SERVICE
from functions.users.models import UserOut
from shared.envelopes import Page
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("list"))
logger = app.logger


@app.endpoint
def list(
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[UserOut]:
    """The users of the caller's tenant, with the maintained total."""
    return reads.list_users(page_size, cursor)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
