"""Queue subscriber: seed 000's cache-service subscriptions, each moving a principal's epoch once."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.cache import invalidation
from functions.cache.manifest import SERVICE
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger

subscriber.on("user.updated", "rbac.role_changed")(invalidation.on_user_changed)
subscriber.on("user.deleted")(invalidation.on_user_deleted)
subscriber.on("tenant.updated")(invalidation.on_tenant_updated)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return subscriber.handle(event, context)
