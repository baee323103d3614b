"""Slots and bookings: a verified expert offers slots; a slot is booked exactly once, however many members
race for it (a conditional transaction)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from apps.health import bookings_create, slots_create, slots_list
from tests.kit import call, error_code, user
from tests.unit.apps.health.helpers import ADMIN, ANN, BOB, DRE, GUS, later, verified_expert


def offer_slot() -> str:
    verified_expert(DRE, ADMIN)
    status, body = call(
        slots_create, caller=DRE, params={"expertId": "u_dre"}, body={"startsAt": later(days=2)}
    )
    assert status == 201
    return str(body["data"]["slotId"])


def test_a_member_books_a_slot_and_it_shows_as_booked() -> None:
    slot_id = offer_slot()
    status, body = call(bookings_create, caller=ANN, body={"slotId": slot_id})
    assert (status, body["data"]["status"], body["data"]["expertId"]) == (201, "booked", "u_dre")
    slots = call(slots_list, caller=BOB, params={"expertId": "u_dre"})[1]["data"]
    assert [(s["slotId"], s["booked"]) for s in slots] == [(slot_id, True)]


def test_fifty_parallel_bookings_of_one_slot_make_exactly_one() -> None:
    # GIVEN one free slot and 50 members
    slot_id = offer_slot()
    members = [user(f"u_m{i}", tenant="acme", permissions=(), roles=("member",)) for i in range(50)]
    # WHEN all of them book it at once
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(
            pool.map(lambda m: call(bookings_create, caller=m, body={"slotId": slot_id})[0], members)
        )
    # THEN exactly one booking exists and every other member got 409
    assert sorted(statuses) == [201] + [409] * 49


def test_a_second_booking_is_409() -> None:
    slot_id = offer_slot()
    assert call(bookings_create, caller=ANN, body={"slotId": slot_id})[0] == 201
    status, body = call(bookings_create, caller=BOB, body={"slotId": slot_id})
    assert (status, error_code(body)) == (409, "CONFLICT")


def test_another_tenants_slot_is_404() -> None:
    slot_id = offer_slot()
    status, body = call(bookings_create, caller=GUS, body={"slotId": slot_id})
    assert (status, error_code(body)) == (404, "NOT_FOUND")


def test_only_the_verified_expert_adds_slots_to_their_profile() -> None:
    verified_expert(DRE, ADMIN)
    status, _ = call(slots_create, caller=ANN, params={"expertId": "u_dre"}, body={"startsAt": later(days=1)})
    assert status == 403
    status, _ = call(slots_create, caller=ANN, params={"expertId": "u_ann"}, body={"startsAt": later(days=1)})
    assert status == 404  # ann is no expert
    status, _ = call(
        slots_create, caller=DRE, params={"expertId": "u_dre"}, body={"startsAt": "2020-01-01T00:00:00Z"}
    )
    assert status == 400


def test_an_expert_cannot_book_their_own_slot() -> None:
    slot_id = offer_slot()
    status, body = call(bookings_create, caller=DRE, body={"slotId": slot_id})
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")
