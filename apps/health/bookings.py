"""Availability slots and bookings. A slot is booked by one conditional transaction (store.take_slot):
however many members race for it, exactly one gets it and the others get 409."""

from __future__ import annotations

import re
from typing import Any

from apps.health import access, experts, store
from apps.health.models import ID_PATTERN, BookingIn, BookingOut, SlotIn, SlotOut, iso
from shared.context import new_id
from shared.envelopes import utc_now_iso
from shared.errors import Conflict, InvalidRequest, NotFound, PermissionDenied
from shared.tables import tenant_key

_ID = re.compile(ID_PATTERN)


class SlotNotFound(NotFound):
    default_message = "No such slot"


class SlotTaken(Conflict):
    default_message = "This slot is booked already"


def _slots_index(tenant_id: str, expert_id: str) -> str:
    return tenant_key(tenant_id, "EXPERT", expert_id, "SLOTS")


def add_slot(expert_id: str, body: SlotIn) -> SlotOut:
    """An expert offers their own time only, once verified."""
    user = access.caller()
    if expert_id != user.user_id:
        raise PermissionDenied("You can add slots to your own profile only")
    experts.require_verified(user.tenant_id, expert_id)
    slot_id = new_id("sl_")
    doc: dict[str, Any] = {
        "slotId": slot_id,
        "expertId": expert_id,
        "startsAt": iso(body.starts_at),
        "minutes": body.minutes,
    }
    gsi = (_slots_index(user.tenant_id, expert_id), f"{doc['startsAt']}#{doc['slotId']}")
    store.create(tenant_key(user.tenant_id, "SLOT", slot_id), "SLOT", doc, gsi)
    return SlotOut.model_validate({**doc, "booked": False})


def slots(expert_id: str) -> list[SlotOut]:
    user = access.caller()
    experts.require_verified(user.tenant_id, expert_id)
    found = store.slots_with_bookings(_slots_index(user.tenant_id, expert_id))
    return [SlotOut.model_validate({**doc, "booked": booked}) for doc, booked in found]


def book(body: BookingIn) -> BookingOut:
    user = access.caller()
    slot = (
        store.get(tenant_key(user.tenant_id, "SLOT", body.slot_id), "SLOT")
        if _ID.fullmatch(body.slot_id)
        else None
    )
    if slot is None:
        raise SlotNotFound(details={"slotId": body.slot_id})
    if slot["expertId"] == user.user_id:
        raise InvalidRequest("You cannot book your own slot", field="slotId")
    booking = {
        "bookingId": new_id("bk_"),
        "slotId": slot["slotId"],
        "expertId": slot["expertId"],
        "userId": user.user_id,
        "startsAt": slot["startsAt"],
        "status": "booked",
        "note": body.note,
        "createdAt": utc_now_iso(),
    }
    if not store.take_slot(
        user.tenant_id, slot["slotId"], booking, tenant_key(user.tenant_id, "USER", user.user_id, "BOOKINGS")
    ):
        raise SlotTaken(details={"slotId": slot["slotId"]})
    return BookingOut.model_validate(booking)
