"""POST /internal/invitations — a pending invitation and its token (for the invitee's email)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import invitations
from functions.users.identity_models import IssuedInvitation, NewInvitation
from functions.users.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("invitations-create"))
logger = app.logger


@app.endpoint
def invitations_create(body: NewInvitation) -> IssuedInvitation:
    """Create a pending invitation (7 days) and return its token for the invitee's email."""
    return invitations.create(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
