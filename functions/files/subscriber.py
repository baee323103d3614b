"""Queue subscriber: tenant exports are built here, and a deleted tenant's records and objects purged."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.files import exports
from functions.files.manifest import SERVICE
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber
from shared.tenant_purge import on_deleting

subscriber = Subscriber(SERVICE.function("subscriber"))
logger = subscriber.logger
PURGE_SECONDS = 20.0


@subscriber.on("tenant.export_requested")
def build_export(event: ServiceEvent) -> None:
    """The archive, part by part, progress recorded on the export (functions/files/exports.py)."""
    exports.build(event)


@subscriber.on("tenant.deleting")
def purge(event: ServiceEvent) -> None:
    """The tenant's objects (uploads, quarantine, exports), then its records; tenant.purge_progress."""
    on_deleting(
        event,
        service="files",
        table=tuple(t.name for t in SERVICE.tables),
        budget_seconds=PURGE_SECONDS,
        extra=exports.purge_objects,
    )


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return subscriber.handle(event, context)
