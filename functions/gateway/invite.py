"""POST /api/v1/invitations — invite an address to the caller's tenant with given roles (user.invite)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import account_links
from functions.gateway.link_models import InvitationBody, InvitationOut
from functions.gateway.manifest import SERVICE
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("invite"))
logger = app.logger


@app.endpoint
def invite(body: InvitationBody) -> InvitationOut:
    """Invite an address (7 days, once) to roles whose permissions the caller holds."""
    return account_links.invite(body, require().require_user())


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
