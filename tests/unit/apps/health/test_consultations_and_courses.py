"""Consultations (a booking's status flow and its messages, between its two parties only) and the course
catalog with enrolment."""

from __future__ import annotations

from typing import Any

from apps.health import (
    bookings_create,
    consultations_messages_list,
    consultations_messages_send,
    consultations_status,
    courses_create,
    courses_enroll,
    courses_list,
    slots_create,
)
from shared.context import UserContext
from tests.kit import call, error_code
from tests.unit.apps.health.helpers import ADMIN, ANN, BOB, DRE, GUS, later, verified_expert


def booked() -> str:
    verified_expert(DRE, ADMIN)
    slot = call(slots_create, caller=DRE, params={"expertId": "u_dre"}, body={"startsAt": later(days=1)})[1]
    return str(
        call(bookings_create, caller=ANN, body={"slotId": slot["data"]["slotId"]})[1]["data"]["bookingId"]
    )


def status(consultation: str, caller: UserContext, to: str) -> tuple[int, dict[str, Any]]:
    params = {"consultationId": consultation}
    return call(consultations_status, caller=caller, params=params, body={"status": to})


def test_the_expert_runs_a_consultation_through_its_statuses() -> None:
    consultation = booked()
    assert status(consultation, ANN, "in_progress")[0] == 403  # the member does not start it
    assert status(consultation, DRE, "in_progress")[1]["data"]["status"] == "in_progress"
    assert status(consultation, DRE, "completed")[1]["data"]["status"] == "completed"
    code, body = status(consultation, DRE, "in_progress")
    assert (code, error_code(body)) == (409, "CONFLICT")


def test_either_party_cancels_a_booked_consultation() -> None:
    consultation = booked()
    assert status(consultation, ANN, "cancelled")[1]["data"]["status"] == "cancelled"
    assert status(consultation, DRE, "in_progress")[0] == 409


def test_both_parties_exchange_messages_and_nobody_else_sees_them() -> None:
    consultation = booked()
    params = {"consultationId": consultation}
    assert (
        call(consultations_messages_send, caller=ANN, params=params, body={"body": "Hello doctor"})[0] == 201
    )
    assert call(consultations_messages_send, caller=DRE, params=params, body={"body": "Hello Ann"})[0] == 201
    listed = call(consultations_messages_list, caller=ANN, params=params)[1]["data"]
    assert [(m["senderId"], m["body"]) for m in listed] == [("u_ann", "Hello doctor"), ("u_dre", "Hello Ann")]
    for outsider in (BOB, GUS):
        code, body = call(consultations_messages_list, caller=outsider, params=params)
        assert (code, error_code(body)) == (404, "NOT_FOUND")
        code, _ = call(consultations_messages_send, caller=outsider, params=params, body={"body": "hi"})
        assert code == 404


def test_no_messages_once_a_consultation_is_over() -> None:
    consultation = booked()
    status(consultation, ANN, "cancelled")
    code, body = call(
        consultations_messages_send, caller=ANN, params={"consultationId": consultation}, body={"body": "?"}
    )
    assert (code, error_code(body)) == (409, "CONFLICT")


def test_courses_are_added_with_permission_and_enrolled_in_once() -> None:
    code, body = call(courses_create, caller=ANN, body={"title": "Sleep better"})
    assert (code, error_code(body)) == (403, "PERMISSION_DENIED")
    course = call(courses_create, caller=ADMIN, body={"title": "Sleep better", "lessons": 6})[1]["data"]
    assert [c["title"] for c in call(courses_list, caller=ANN)[1]["data"]] == ["Sleep better"]
    assert call(courses_list, caller=GUS)[1]["data"] == []
    params = {"courseId": course["courseId"]}
    code, body = call(courses_enroll, caller=ANN, params=params)
    assert (code, body["data"]["userId"]) == (201, "u_ann")
    assert call(courses_enroll, caller=ANN, params=params)[0] == 409
    assert call(courses_enroll, caller=GUS, params=params)[0] == 404  # another tenant's course
