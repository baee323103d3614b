"""POST /internal/invitations/lookup — the tenant, address and roles of a usable invitation token."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import invitations
from functions.users.identity_models import InvitationFound, InvitationToken
from functions.users.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("invitations-lookup"))
logger = app.logger


@app.endpoint
def invitations_lookup(body: InvitationToken) -> InvitationFound:
    """What a usable invitation token invites to; 401/409 as accepting would answer."""
    return invitations.lookup(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
