"""The order saga's steps (each a Task of the `order-saga` state machine, apps.marketplace.saga_definition).

    reserve ─► charge ─► confirm ─► paid
       │         │          │
       └─────────┴──────────┴─► compensate ─► cancelled (with a reason)

Each step is one conditional transition of the order (apps.marketplace.orders_store), so it is idempotent
on its own, besides the Powertools idempotency `StepApp` gives every (execution, state):

- reserve: every line's stock `available >= q` → moved to `reserved`, with the order `none → held`, in one
  transaction: all lines or none. Not enough stock → `OutOfStock` (the state's error).
- charge: the provider, with the order id as idempotency key; the charge is recorded only while the
  reservation is still held (the expiry job may have released it: then the money goes straight back).
- confirm: `held → settled`, `pending → paid`, the reserved stock counted as sold; order.paid.
- compensate: whatever was done is undone — a recorded charge refunded, an unknown one (timeout) voided,
  held stock released — and the order is `cancelled` with the reason the failed state gave.
"""

from __future__ import annotations

import json
from typing import Any

from apps.marketplace import orders, orders_store, payments, stock_store
from apps.marketplace.models import OrderState
from shared import outbox
from shared.envelopes import utc_now_iso
from shared.errors import ServiceUnavailable
from shared.events import publisher


class OutOfStock(Exception):
    pass


class ReservationLost(Exception):
    """The reservation was released (expired) before the charge was recorded; the charge was refunded."""


class PaymentFailed(Exception):
    pass


def _event(event_type: str, data: dict[str, Any], *, tenant_id: str) -> Any:
    """Steps run outside any request (a state machine, the expiry job): the source is named."""
    return publisher.build(event_type, data, source="marketplace", tenant_id=tenant_id)


def _step(name: str, status: str, detail: str | None = None) -> dict[str, Any]:
    return {"name": name, "status": status, "at": utc_now_iso(), "detail": detail}


def reserve(state: OrderState) -> OrderState:
    record = orders.find(state.tenant_id, state.order_id)
    if record["reservation"] != "none" or record["status"] != "pending":
        return state  # done before (a retry), or the order moved on
    lines = record["doc"]["items"]
    now = utc_now_iso()
    reasons = orders_store.transition(
        state.tenant_id,
        state.order_id,
        expect={"reservation": "none", "status": "pending"},
        changes={
            "reservation": "held",
            "reservedAt": now,
            "updatedAt": now,
            "gsi2pk": orders_store.HELD,
            "gsi2sk": f"{now}#{state.tenant_id}#{state.order_id}",
        },
        step=_step("reserve", "succeeded"),
        also=[stock_store.take(state.tenant_id, line["productId"], line["quantity"]) for line in lines],
    )
    if reasons is None:
        return state
    if reasons[0] == "ConditionalCheckFailed":
        return state  # another attempt got there first
    short = [line["productId"] for line, r in zip(lines, reasons[1:], strict=False) if r != "None"]
    detail = f"out of stock: {', '.join(short) or 'unknown'}"
    orders_store.transition(
        state.tenant_id,
        state.order_id,
        expect={"reservation": "none"},
        changes={"updatedAt": utc_now_iso()},
        step=_step("reserve", "failed", detail),
    )
    raise OutOfStock(detail)


def charge(state: OrderState) -> OrderState:
    record = orders.find(state.tenant_id, state.order_id)
    if record["payment"]["status"] != "none":
        return state
    if record["reservation"] != "held" or record["status"] != "pending":
        raise ReservationLost("the order no longer holds its stock; nothing was charged")
    total = record["doc"]["total"]
    provider = payments.provider()
    try:
        done = provider.charge(
            amount=total["amount"], currency=total["currency"], token=record["token"], key=state.order_id
        )
    except (payments.PaymentDeclined, payments.PaymentTimeout) as exc:
        kind = "timed out" if isinstance(exc, payments.PaymentTimeout) else "declined"
        orders_store.transition(
            state.tenant_id,
            state.order_id,
            expect={"status": "pending"},
            changes={"updatedAt": utc_now_iso(), "payment": {"status": "failed"}},
            step=_step("charge", "failed", f"payment {kind}: {exc}"),
        )
        raise PaymentFailed(f"payment {kind}: {exc}") from exc
    except payments.PaymentUnavailable as exc:
        raise ServiceUnavailable(str(exc)) from exc  # retried by the state machine
    reasons = orders_store.transition(
        state.tenant_id,
        state.order_id,
        expect={"reservation": "held", "status": "pending"},
        changes={"payment": {"status": "charged", "chargeId": done.charge_id}, "updatedAt": utc_now_iso()},
        step=_step("charge", "succeeded", done.charge_id),
    )
    if reasons is not None:
        provider.refund(charge_id=done.charge_id, key=state.order_id)
        raise ReservationLost("the reservation expired before the payment completed; refunded")
    return state


def confirm(state: OrderState) -> OrderState:
    record = orders.find(state.tenant_id, state.order_id)
    if record["status"] == "paid":
        return state
    doc = record["doc"]
    charge_id = record["payment"].get("chargeId")
    events = [
        _event(
            "payment.succeeded", {**orders.event_data(doc), "chargeId": charge_id}, tenant_id=state.tenant_id
        ),
        _event("order.paid", {**orders.event_data(doc), "lines": doc["items"]}, tenant_id=state.tenant_id),
    ]
    reasons = orders_store.transition(
        state.tenant_id,
        state.order_id,
        expect={"status": "pending", "reservation": "held"},
        changes={"status": "paid", "reservation": "settled", "updatedAt": utc_now_iso()},
        step=_step("confirm", "succeeded"),
        remove=("gsi2pk", "gsi2sk"),
        also=[
            stock_store.settle(state.tenant_id, line["productId"], line["quantity"]) for line in doc["items"]
        ],
        events=events,
    )
    if reasons is not None:
        raise ReservationLost("the order was no longer holding its stock")
    outbox.release(*events)
    return state


def _reason(state: OrderState) -> str:
    error = state.error or {}
    cause = str(error.get("Cause") or "")
    try:
        message = json.loads(cause).get("errorMessage") if cause.startswith("{") else cause
    except ValueError:
        message = cause
    name = str(error.get("Error") or "failed")
    if name == "States.Timeout":
        return "payment timed out"
    return str(message or name)[:500]


def compensate(state: OrderState) -> OrderState:
    """Undo what was done and cancel: runs after any failed state (and from the expiry job)."""
    return cancel_pending(state.tenant_id, state.order_id, _reason(state))


def cancel_pending(tenant_id: str, order_id: str, reason: str) -> OrderState:
    record = orders.find(tenant_id, order_id)
    state = OrderState(tenant_id=tenant_id, order_id=order_id)
    if record["status"] != "pending":
        return state
    doc = record["doc"]
    payment = record["payment"]
    provider = payments.provider()
    events = []
    if payment["status"] == "charged":
        provider.refund(charge_id=payment["chargeId"], key=order_id)
        events.append(
            _event(
                "payment.refunded",
                {**orders.event_data(doc), "chargeId": payment["chargeId"]},
                tenant_id=tenant_id,
            )
        )
        payment = {**payment, "status": "refunded"}
    else:
        provider.void(key=order_id)  # a charge whose answer was lost leaves no money taken
        if payment["status"] == "failed":
            events.append(
                _event("payment.failed", {**orders.event_data(doc), "reason": reason}, tenant_id=tenant_id)
            )
            payment = {**payment, "status": "failed"}
    held = record["reservation"] == "held"
    also = (
        [stock_store.give_back(tenant_id, line["productId"], line["quantity"]) for line in doc["items"]]
        if held
        else []
    )
    events.append(
        _event("order.cancelled", {**orders.event_data(doc), "reason": reason}, tenant_id=tenant_id)
    )
    reasons = orders_store.transition(
        tenant_id,
        order_id,
        expect={"status": "pending", "reservation": record["reservation"]},
        changes={
            "status": "cancelled",
            "reason": reason,
            "reservation": "released" if held else record["reservation"],
            "payment": payment,
            "updatedAt": utc_now_iso(),
        },
        step=_step("compensate", "succeeded", reason),
        remove=("gsi2pk", "gsi2sk"),
        also=also,
        events=events,
    )
    if reasons is not None:
        raise ServiceUnavailable("the order moved while it was being compensated; retry")
    outbox.release(*events)
    return state
