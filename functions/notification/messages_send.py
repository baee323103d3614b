"""POST /internal/messages/send — one account-link email (verification, reset, invitation) to one address."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notification import mailer
from functions.notification.manifest import SERVICE
from functions.notification.message_models import MessageRequest, MessageSent
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("messages-send"))
logger = app.logger


@app.endpoint
def messages_send(body: MessageRequest) -> MessageSent:
    """Render the template (the tenant's wording, the link from the token) and email it, once per key."""
    return mailer.send(body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
