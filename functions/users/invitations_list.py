"""GET /api/v1/invitations?pageSize=&cursor= — the tenant's invitations, newest first (user.invite)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import invitations
from functions.users.identity_models import Invitation
from functions.users.manifest import SERVICE
from shared.envelopes import Page
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("invitations-list"))
logger = app.logger


@app.endpoint
def invitations_list(
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[Invitation]:
    """The caller's tenant's invitations with their status (pending, accepted, revoked, expired)."""
    return invitations.list_invitations(page_size, cursor)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
