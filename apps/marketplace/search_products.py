"""POST /api/v1/apps/marketplace/search — search the storefront (public)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, search
from apps.marketplace.manifest import SERVICE
from apps.marketplace.search_models import SearchRequest, SearchResult
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("search-products"), access=access.ACCESS, anonymous=True)
logger = app.logger


@app.endpoint
def search_products(body: SearchRequest) -> SearchResult:
    """Full-text search with filters, sort, facet counts and highlights."""
    return search.search(access.storefront_tenant(), body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
