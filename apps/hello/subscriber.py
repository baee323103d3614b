"""The hello app's queue: `user.created` of tenants that enabled the app → counted; `tenant.deleted` → the
tenant's items removed from the app's table."""

from __future__ import annotations

from typing import Any

from apps.hello import greetings
from apps.hello.access import ACCESS
from apps.hello.manifest import SERVICE
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger


@subscriber.on("user.created")
def welcome(event: ServiceEvent) -> None:
    greetings.welcome(event.data["tenantId"], event.data["userId"], event.id, ACCESS.enabled)


@subscriber.on("tenant.deleted")
def forget_deleted_tenant(event: ServiceEvent) -> None:
    greetings.forget_deleted(event.data["tenantId"])


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return subscriber.handle(event, context)
