"""POST /internal/invitations/accept — accept an invitation: a user with exactly its roles."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import invitations
from functions.users.identity_models import InvitationAcceptance
from functions.users.manifest import SERVICE
from functions.users.models import CreatedUser
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("invitations-accept"))
logger = app.logger


@app.endpoint
def invitations_accept(body: InvitationAcceptance) -> CreatedUser:
    """Create the invited user with exactly the invited roles (once)."""
    return invitations.accept(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
