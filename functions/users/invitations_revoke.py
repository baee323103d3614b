"""DELETE /api/v1/invitations/{invitationId} — revoke a pending invitation (user.invite)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import invitations
from functions.users.manifest import SERVICE
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("invitations-revoke"))
logger = app.logger


@app.endpoint
def invitations_revoke(invitationId: Annotated[str, Path(max_length=64)]) -> Response[None]:
    """Revoke an invitation: its token stops working at once (revoking twice is fine)."""
    invitations.revoke(invitationId)
    return Response(status_code=204)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
