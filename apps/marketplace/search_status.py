"""GET /api/v1/apps/marketplace/search/index/status — the index's state."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, search
from apps.marketplace.manifest import SERVICE
from apps.marketplace.search_models import IndexStatus
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("search-status"), access=access.ACCESS)
logger = app.logger


@app.endpoint
def index_status() -> IndexStatus:
    """The tenant's search index: version, documents, status, when built and how long it took."""
    return search.status(access.caller().tenant_id)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
