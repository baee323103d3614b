"""Queue subscriber: a deleted tenant's users, claims, lockouts and MFA factors are purged (offboarding)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.users import offboarding
from functions.users.manifest import SERVICE
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger


@subscriber.on("tenant.deleting")
def purge(event: ServiceEvent) -> None:
    """A batch of the tenant's items; `tenant.purge_progress` says how far it got."""
    offboarding.purge(event)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return subscriber.handle(event, context)
