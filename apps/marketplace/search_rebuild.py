"""POST /api/v1/apps/marketplace/search/index/rebuild — rebuild the index (product.write)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, search
from apps.marketplace.manifest import SERVICE
from apps.marketplace.search_models import IndexStatus
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("search-rebuild"), access=access.ACCESS)
logger = app.logger


@app.endpoint
def rebuild() -> IndexStatus:
    """Rebuild the tenant's search index from its catalog: `rebuilding` until the new version is live."""
    return search.request_rebuild()


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
