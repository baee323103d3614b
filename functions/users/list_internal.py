"""GET /internal/users?pageSize=&cursor= — a page of the tenant's users for the user another service acts
for (`X-User-Context`; user.read, as the public list)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import lookups
from functions.users.listing_models import UserListing
from functions.users.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("list-internal"))
logger = app.logger


@app.endpoint
def list_internal(
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> UserListing:
    """The users of the acting user's tenant, with the total and the next cursor."""
    return lookups.listing(page_size, cursor)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
