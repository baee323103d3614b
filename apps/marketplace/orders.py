"""Orders: create (then the saga runs on Step Functions), read, cancel with a refund.

An order's lines are priced from the caller's own tenant's catalog at creation (a product id of another
tenant is simply not found). The saga (apps.marketplace.saga) does the rest: reserve → charge → confirm,
compensating on any failure. `Idempotency-Key` makes a retried create return the first order.
"""

from __future__ import annotations

import re
from typing import Any

from apps.marketplace import access, orders_store, payments, products
from apps.marketplace.models import MAX_AMOUNT, ORDER_ID_PATTERN, OrderIn, OrderOut
from shared import outbox, permissions, workflows
from shared.context import UserContext, new_id
from shared.envelopes import utc_now_iso
from shared.errors import Conflict, InvalidRequest, NotFound, ServiceUnavailable
from shared.events import publisher

SAGA = "order-saga"
SERVICE = "marketplace"
_ORDER_ID = re.compile(ORDER_ID_PATTERN)
_KEY = re.compile(r"[\x21-\x7e]{1,255}")


class OrderNotFound(NotFound):
    pass


def to_out(record: dict[str, Any]) -> OrderOut:
    doc = record["doc"]
    payment = record.get("payment") or {"status": "none"}
    return OrderOut.model_validate(
        {
            **doc,
            "status": record["status"],
            "reason": record.get("reason"),
            "reservation": record["reservation"],
            "payment": {**doc["total"], "status": payment["status"], "chargeId": payment.get("chargeId")},
            "steps": record.get("steps") or [],
            "updatedAt": record["updatedAt"],
        }
    )


def find(tenant_id: str, order_id: str) -> dict[str, Any]:
    found = orders_store.get(tenant_id, order_id) if _ORDER_ID.fullmatch(order_id) else None
    if found is None:
        raise OrderNotFound("No such order", details={"orderId": order_id})
    return found


def _visible(user: UserContext, record: dict[str, Any]) -> None:
    """A customer sees their own orders; `order.read` holders (tenant admins) see every order."""
    if record["doc"]["customerId"] != user.user_id and not permissions.allows(
        user.permissions, access.ORDER_READ_ALL
    ):
        raise OrderNotFound("No such order")


def _priced(tenant_id: str, body: OrderIn) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    quantities: dict[str, int] = {}
    for line in body.items:  # the same product twice is one line
        quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
    lines, currency, total = [], None, 0
    for product_id, quantity in quantities.items():
        doc, _ = products.find(tenant_id, product_id)
        price = doc["pricing"]
        if currency not in (None, price["currency"]):
            raise InvalidRequest("items: every product of an order must have one currency", field="items")
        currency = price["currency"]
        line_total = price["amount"] * quantity
        total += line_total
        lines.append(
            {
                "productId": product_id,
                "name": doc["name"],
                "quantity": quantity,
                "unitPrice": price["amount"],
                "totalPrice": line_total,
                "creatorId": doc.get("creatorId"),
            }
        )
    if total > MAX_AMOUNT:
        raise InvalidRequest("items: the order's total is over the limit", field="items")
    return lines, {"amount": total, "currency": currency}


def create(body: OrderIn, idempotency_key: str | None) -> OrderOut:
    user = access.caller()
    if idempotency_key is not None and not _KEY.fullmatch(idempotency_key):
        raise InvalidRequest("Idempotency-Key: 1 to 255 visible ASCII characters", field="Idempotency-Key")
    if idempotency_key is not None:
        earlier = orders_store.order_for_key(user.tenant_id, user.user_id, idempotency_key)
        if earlier is not None:
            return _started(user.tenant_id, earlier)
    lines, total = _priced(user.tenant_id, body)
    order_id = new_id("o_")
    now = utc_now_iso()
    doc = {"orderId": order_id, "customerId": user.user_id, "items": lines, "total": total, "createdAt": now}
    created = orders_store.create(
        user.tenant_id, order_id, doc, token=body.payment.token, user_id=user.user_id, key=idempotency_key
    )
    if not created:  # the same key, sent twice at once: the other request's order
        assert idempotency_key is not None
        earlier = orders_store.order_for_key(user.tenant_id, user.user_id, idempotency_key)
        if earlier is None:
            raise Conflict("The Idempotency-Key is in use; retry")
        return _started(user.tenant_id, earlier)
    outbox.emit(publisher.build("order.created", event_data(doc), tenant_id=user.tenant_id))
    return _started(user.tenant_id, order_id)


def _started(tenant_id: str, order_id: str) -> OrderOut:
    """Start the order's saga (named by the order: starting it again is harmless) and show the order."""
    record = find(tenant_id, order_id)
    if record["status"] == "pending" and not record.get("steps"):
        try:
            workflows.start(SERVICE, SAGA, name=order_id, state={"tenantId": tenant_id, "orderId": order_id})
        except Exception as exc:  # the order stays pending; a retry with the same key starts it
            raise ServiceUnavailable("The order could not be started; retry with the same key") from exc
    return to_out(record)


def get(order_id: str) -> OrderOut:
    user = access.caller()
    record = find(user.tenant_id, order_id)
    _visible(user, record)
    return to_out(record)


def cancel(order_id: str) -> OrderOut:
    """A paid order is refunded and cancelled (stock stays sold: goods come back through returns)."""
    user = access.caller()
    record = find(user.tenant_id, order_id)
    _visible(user, record)
    if record["status"] == "cancelled":
        return to_out(record)
    if record["status"] != "paid":
        raise Conflict("The order is still being processed; cancel it once it is paid")
    payment = record["payment"]
    payments.provider().refund(charge_id=payment["chargeId"], key=order_id)
    doc = record["doc"]
    events = [
        publisher.build("payment.refunded", {**event_data(doc), "chargeId": payment["chargeId"]}),
        publisher.build("order.cancelled", {**event_data(doc), "reason": "cancelled by the customer"}),
    ]
    moved = orders_store.transition(
        user.tenant_id,
        order_id,
        expect={"status": "paid"},
        changes={
            "status": "cancelled",
            "reason": "cancelled by the customer",
            "payment": {**payment, "status": "refunded"},
            "updatedAt": utc_now_iso(),
        },
        step={"name": "refund", "status": "succeeded", "at": utc_now_iso(), "detail": payment["chargeId"]},
        events=events,
    )
    if moved is None:
        outbox.release(*events)
    return to_out(find(user.tenant_id, order_id))


def event_data(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "orderId": doc["orderId"],
        "customerId": doc["customerId"],
        "amount": doc["total"]["amount"],
        "currency": doc["total"]["currency"],
        "items": [{"productId": line["productId"], "quantity": line["quantity"]} for line in doc["items"]],
    }
