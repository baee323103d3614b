"""GET /api/v1/apps/marketplace/search/autocomplete?q= — completions (public)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, search
from apps.marketplace.manifest import SERVICE
from apps.marketplace.search_models import Autocomplete
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("search-autocomplete"), access=access.ACCESS, anonymous=True)
logger = app.logger


@app.endpoint
def autocomplete(q: Annotated[str, Query(min_length=1, max_length=100)]) -> Autocomplete:
    """Product names and terms that complete what was typed."""
    return search.autocomplete(access.storefront_tenant(), q)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
