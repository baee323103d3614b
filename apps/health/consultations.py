"""Consultations: a booking is a consultation between its member and its expert. Its status moves
`booked → in_progress → completed` (the expert) or `booked → cancelled` (either party); both parties
exchange messages while it is not cancelled or completed. Nobody else sees it (404)."""

from __future__ import annotations

import re
from typing import Any

from apps.health import access, store
from apps.health.models import BookingOut, ConsultationMessage, MessageIn, StatusIn
from shared import outbox
from shared.context import new_id
from shared.envelopes import Cursor, Page, utc_now_iso
from shared.errors import Conflict, NotFound, PermissionDenied
from shared.events import publisher
from shared.tables import tenant_key

_ID = re.compile(r"^bk_[A-Za-z0-9]{1,64}$")
# Who may move a consultation from one status to another.
_MOVES: dict[tuple[str, str], tuple[str, ...]] = {
    ("booked", "in_progress"): ("expert",),
    ("in_progress", "completed"): ("expert",),
    ("booked", "cancelled"): ("expert", "member"),
}
_OPEN = ("booked", "in_progress")
MESSAGE_PUSH_TYPE = "consultation_message"


class ConsultationNotFound(NotFound):
    default_message = "No such consultation"


def _pk(tenant_id: str, booking_id: str) -> str:
    return tenant_key(tenant_id, "BOOKING", booking_id)


def _mine(tenant_id: str, user_id: str, booking_id: str) -> tuple[dict[str, Any], str]:
    """The consultation and the caller's part in it; anyone else's (or another tenant's) is 404."""
    doc = store.get(_pk(tenant_id, booking_id), "BOOKING") if _ID.fullmatch(booking_id) else None
    if doc is None or user_id not in (doc["userId"], doc["expertId"]):
        raise ConsultationNotFound(details={"consultationId": booking_id})
    return doc, "expert" if user_id == doc["expertId"] else "member"


def move(booking_id: str, body: StatusIn) -> BookingOut:
    user = access.caller()
    doc, part = _mine(user.tenant_id, user.user_id, booking_id)
    allowed = _MOVES.get((doc["status"], body.status))
    if allowed is None:
        raise Conflict(f"A {doc['status']} consultation cannot become {body.status}")
    if part not in allowed:
        raise PermissionDenied(f"Only the {' or '.join(allowed)} moves it to {body.status}")
    changed = {**doc, "status": body.status, "updatedAt": utc_now_iso()}
    if not store.replace_if(_pk(user.tenant_id, booking_id), "BOOKING", changed, doc):
        raise Conflict("The consultation changed meanwhile; read it again")
    return BookingOut.model_validate(changed)


def send(booking_id: str, body: MessageIn) -> ConsultationMessage:
    user = access.caller()
    doc, _ = _mine(user.tenant_id, user.user_id, booking_id)
    if doc["status"] not in _OPEN:
        raise Conflict(f"The consultation is {doc['status']}")
    now = utc_now_iso()
    message = {
        "messageId": new_id("msg_"),
        "consultationId": booking_id,
        "senderId": user.user_id,
        "body": body.body,
        "createdAt": now,
    }
    # Pushed to both participants' connections (the sender's other devices too), announced with the
    # write: realtime, in the app's own layer, is asked over the bus (docs/health.md, "Real time").
    pushed = publisher.build(
        "realtime.push_requested",
        {
            "tenantId": user.tenant_id,
            "userIds": list(dict.fromkeys((doc["userId"], doc["expertId"]))),
            "type": MESSAGE_PUSH_TYPE,
            "data": message,
        },
        tenant_id=user.tenant_id,
        user_id=user.user_id,
    )
    pk = tenant_key(user.tenant_id, "BOOKING", booking_id, "MSG")
    store.create_announced(pk, f"{now}#{message['messageId']}", message, [pushed])
    outbox.release(pushed)
    return ConsultationMessage.model_validate(message)


def messages(booking_id: str, page_size: int, cursor: str | None) -> Page[ConsultationMessage]:
    user = access.caller()
    _mine(user.tenant_id, user.user_id, booking_id)
    after, number = Cursor.decode(cursor)
    docs, last = store.page(
        tenant_key(user.tenant_id, "BOOKING", booking_id, "MSG"), limit=page_size, after=after
    )
    return Page[ConsultationMessage].of(
        [ConsultationMessage.model_validate(d) for d in docs],
        total=(number - 1) * page_size + len(docs),
        page_size=page_size,
        cursor=cursor,
        next_cursor=Cursor.encode(last, page=number + 1),
    )
