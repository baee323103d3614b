"""Queue subscriber: a deleted tenant's rate-limit buckets are purged (offboarding); a sign-up's address
is sent its verification link."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.gateway import account_links, offboarding
from functions.gateway.manifest import SERVICE
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger


@subscriber.on("tenant.deleting")
def purge(event: ServiceEvent) -> None:
    """A batch of the deleted tenant's items; `tenant.purge_progress` says how far it got."""
    offboarding.purge(event)


@subscriber.on("user.created")
def verify(event: ServiceEvent) -> None:
    """A sign-up (`verifyEmail`): the verification link, mailed here rather than in the registration's
    request (one hop and five DynamoDB calls fewer there; the event is not lost, the outbox holds it)."""
    if event.data.get("verifyEmail") is True and event.tenant_id:
        account_links.send_verification(event.tenant_id, str(event.data["email"]))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return subscriber.handle(event, context)
