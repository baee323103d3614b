"""GET /api/v1/apps/marketplace/products?category=&pageSize=&cursor= — the storefront's products (public)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, products
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import CATEGORY_PATTERN, ProductOut
from shared.app_http import AppHttpApp
from shared.envelopes import Page

app = AppHttpApp(SERVICE.function("products-list"), access=access.ACCESS, anonymous=True)
logger = app.logger


@app.endpoint
def list_products(
    category: Annotated[str | None, Query(pattern=CATEGORY_PATTERN)] = None,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Page[ProductOut]:
    """The storefront's products, newest first (of one category, if given)."""
    tenant = access.storefront_tenant()
    return products.list_products(tenant, category, page_size, cursor)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
