"""The registry's subscriber: every event, POSTed to the webhooks of the apps that want it (delivery.py);
and a deleted tenant's part of the registry, purged on `tenant.deleting` (offboarding).
A failed delivery fails the event, which comes back after an exponential backoff (the queue's redelivery,
`backoff` below) and, after the sixth receive, goes to the DLQ (`stratus dlq`, redrive)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.registry import delivery
from functions.registry.manifest import SERVICE
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber
from shared.tenant_purge import on_deleting

subscriber = Subscriber(SERVICE.function("subscriber"), backoff=delivery.backoff)


@subscriber.on("*")
def webhooks(event: ServiceEvent) -> None:
    delivery.deliver(event)


@subscriber.on("tenant.deleting")
def purge(event: ServiceEvent) -> None:
    """A deleted tenant's enablements go with it (its delivery log, keyed by app, expires by TTL)."""
    on_deleting(event, service=SERVICE.name, table="registry")


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return subscriber.handle(event, context)
