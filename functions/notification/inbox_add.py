"""POST /internal/notifications/inbox — one in-app notification for a user, asked for by another service.

The item is written with its `notification.created` (staged in the same transaction, dispatch.py), so the
realtime service pushes it to the user's connections like every other inbox item."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.notification import dispatch
from functions.notification.inbox_models import InboxAdded, InboxRequest
from functions.notification.manifest import SERVICE
from functions.notification.recipients import Recipient
from functions.notification.templates import Rendered
from shared.http_app import HttpApp

app = HttpApp(SERVICE.function("inbox-add"))
logger = app.logger


@app.endpoint
def inbox_add(body: InboxRequest) -> InboxAdded:
    """In-app only (no email, no SMS), per the user's `inApp` preference, once per key."""
    message = Rendered(template=body.type, subject=body.title, body=body.body)
    # A recipient without an address: dispatch records email and SMS as skipped and delivers in-app.
    outcome = dispatch.deliver(
        body.tenant_id, body.key, message, [Recipient(email=None, user_id=body.user_id)]
    )
    return InboxAdded(delivered=outcome.delivered > 0)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
