"""POST /api/v1/apps/marketplace/events — one storefront event (public for the tenant)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, analytics
from apps.marketplace.analytics_models import Accepted, TrackedEvent
from apps.marketplace.manifest import SERVICE
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("events-ingest"), access=access.ACCESS, anonymous=True)
logger = app.logger


@app.endpoint
def track(body: TrackedEvent) -> Accepted:
    """Count one storefront event (view, click, add_to_cart, search) in today's aggregates."""
    return analytics.ingest(access.storefront_tenant(), [body])


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
