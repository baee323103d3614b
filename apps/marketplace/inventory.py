"""A product's stock: `available` (free to sell) and `reserved` (held by orders in progress).

Orders move stock only through conditional writes (apps.marketplace.stock_store): a reservation succeeds
only while `available >= quantity`, so concurrent orders can never take stock below zero.
"""

from __future__ import annotations

from apps.marketplace import access, products, stock_store
from apps.marketplace.models import InventoryIn, InventoryOut
from shared.errors import Conflict


def get(tenant_id: str, product_id: str) -> InventoryOut:
    products.find(tenant_id, product_id)
    available, reserved = stock_store.levels(tenant_id, product_id)
    return InventoryOut(product_id=product_id, available=available, reserved=reserved)


def put(product_id: str, body: InventoryIn) -> InventoryOut:
    user = access.requiring(access.PRODUCT_WRITE)
    products.find(user.tenant_id, product_id)
    if not stock_store.set_available(user.tenant_id, product_id, body.available):
        raise Conflict("The product was deleted meanwhile")
    return get(user.tenant_id, product_id)
