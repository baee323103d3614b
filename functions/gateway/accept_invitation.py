"""POST /api/v1/auth/accept-invitation — an invitation's token and a password → a user with its roles."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import account_links
from functions.gateway.link_models import AcceptInvitationBody, JoinedUser
from functions.gateway.manifest import SERVICE
from shared.context import require
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("accept-invitation"))
logger = app.logger


@app.endpoint
def accept_invitation(body: AcceptInvitationBody) -> JoinedUser:
    """Accept an invitation (once): a new user of its tenant holding exactly the invited roles."""
    return account_links.accept_invitation(body, require(), app.declared.path)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
