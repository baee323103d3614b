"""POST /internal/marketplace/graphql — GraphQL's reads of the marketplace's types (graphql_types.py), for
the acting user, behind the app's gate (shared.app_graphql): the REST routes' own domain calls."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, orders, orders_store, products
from apps.marketplace.graphql_types import GRAPHQL
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import CATEGORY_PATTERN
from shared.app_graphql import AppRead, AppReadAnswer, matching, page, page_size
from shared.app_reads import AppReadApp, AppReads

app = AppReadApp(SERVICE.function("graphql-read"), access=access.ACCESS)
logger = app.logger
READS = AppReads(GRAPHQL)


@app.endpoint
def graphql_read(body: AppRead) -> AppReadAnswer:
    """Answer one read operation of the marketplace's GraphQL types for the acting user."""
    return READS.answer(body)


def _dump(model: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = model.model_dump(by_alias=True, mode="json")
    return dumped


@READS.root("products")
def products_page(category: str | None = None, pageSize: int | None = None, cursor: str | None = None) -> Any:
    found = products.list_products(
        access.caller().tenant_id,
        matching(category, CATEGORY_PATTERN, "category"),
        page_size(pageSize),
        cursor,
    )
    return page([_dump(p) for p in found.data], found.pagination.next_cursor, total=found.pagination.total)


@READS.root("product")
def product(productId: str) -> Any:
    return _dump(products.get_product(access.caller().tenant_id, productId))


@READS.batch("productsById")
def products_by_id(keys: list[str]) -> dict[str, Any]:
    tenant_id = access.caller().tenant_id
    found: dict[str, Any] = {}
    for product_id in dict.fromkeys(keys):
        try:
            found[product_id] = _dump(products.get_product(tenant_id, product_id))
        except products.ProductNotFound:  # deleted since, or a malformed id: null, as GraphQL shows it
            found[product_id] = None
    return found


@READS.root("orders")
def my_orders(pageSize: int | None = None, cursor: str | None = None) -> Any:
    user = access.caller()
    records, next_cursor = orders_store.by_customer(
        user.tenant_id, user.user_id, page_size=page_size(pageSize), cursor=cursor
    )
    return page([_dump(orders.to_out(r)) for r in records], next_cursor)


@READS.root("order")
def order(orderId: str) -> Any:
    return _dump(orders.get(orderId))


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
