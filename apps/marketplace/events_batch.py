"""POST /api/v1/apps/marketplace/events/batch — up to 500 events at once (public for the tenant)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, analytics
from apps.marketplace.analytics_models import Accepted, EventBatch
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("events-batch"), access=access.ACCESS, anonymous=True)
logger = app.logger


@app.endpoint
def track_batch(body: EventBatch) -> Accepted:
    """Count up to 500 storefront events; all are checked before any is counted."""
    return analytics.ingest(access.storefront_tenant(), body.events)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
