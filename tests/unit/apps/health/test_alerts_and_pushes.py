"""Real time in the health app: an out-of-range reading's `health.alert` becomes the owner's in-app notice
(the app's subscriber asks notification's `inbox-add`, whose item the platform pushes), and a consultation
message is pushed to its two participants (`realtime.push_requested`, staged with the message)."""

from __future__ import annotations

import re

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from apps.health import alerts, consultations_messages_send, readings_batch, readings_create, subscriber
from apps.health.access import ACCESS
from shared import outbox
from shared.errors import QueueUnavailable
from shared.events import publisher
from shared.events.model import ServiceEvent
from tests.kit import call, deliver, refuse
from tests.unit.apps.gate import Platform
from tests.unit.apps.health.helpers import ANN, BOB, GUS, reading
from tests.unit.apps.health.test_consultations_and_courses import booked


def alerts_of(published: list[ServiceEvent]) -> list[ServiceEvent]:
    return [e for e in published if e.type == "health.alert"]


# --- health.alert → the owner's in-app notice --------------------------------------------------------
def test_an_alert_puts_a_notice_without_the_value_in_the_owners_inbox(
    published: list[ServiceEvent], platform: Platform
) -> None:
    # GIVEN ann recorded a heart rate of 150 bpm (over 60-100)
    assert call(readings_create, caller=ANN, body=reading(value=150))[0] == 201
    # WHEN the app's subscriber takes the alert
    assert deliver(subscriber, alerts_of(published)) == []
    # THEN notification is asked for one in-app notice for ann in acme, naming the type and its range
    [asked] = platform.fake.sent("notification", "/internal/notifications/inbox")
    assert (asked["tenantId"], asked["userId"], asked["type"]) == ("acme", "u_ann", "health_alert")
    assert asked["title"] == "Heart rate out of range"
    assert "60-100 bpm" in asked["body"]
    # AND the value stays in the vault: not in the notice
    assert "150" not in asked["body"]
    assert "150" not in asked["title"]


def test_a_batch_of_out_of_range_readings_is_one_notice_per_type_and_hour(
    published: list[ServiceEvent], platform: Platform
) -> None:
    # GIVEN a batch of 20 high heart rates and 3 short nights
    batch = [reading(value=150 + i, minutes=5 + i) for i in range(20)]
    batch += [reading("sleep", value=4, unit="h", minutes=30 + i) for i in range(3)]
    assert call(readings_batch, caller=ANN, body={"readings": batch})[0] == 201
    # WHEN the subscriber takes every alert
    assert deliver(subscriber, alerts_of(published)) == []
    # THEN each call for one type carries the same delivery key (notification keeps one item per key)
    asked = platform.fake.sent("notification", "/internal/notifications/inbox")
    assert len(asked) == 23
    keys: dict[str, set[str]] = {}
    for a in asked:
        keys.setdefault(a["title"], set()).add(a["key"])
    assert {title: len(k) for title, k in keys.items()} == {
        "Heart rate out of range": 1,
        "Sleep out of range": 1,
    }


def test_a_notice_key_is_one_owners_one_types_one_hours() -> None:
    key = alerts.notice_key("acme", "u_ann", "heart_rate", "2026010108")
    others = [
        alerts.notice_key("globex", "u_ann", "heart_rate", "2026010108"),
        alerts.notice_key("acme", "u_bob", "heart_rate", "2026010108"),
        alerts.notice_key("acme", "u_ann", "glucose", "2026010108"),
        alerts.notice_key("acme", "u_ann", "heart_rate", "2026010109"),
    ]
    assert key not in others
    assert len(set(others)) == 4


def test_a_blood_pressure_notice_names_both_ranges() -> None:
    reference = {"low": 90, "high": 139}
    data = {"type": "blood_pressure", "measuredAt": "2026-01-01T08:00:00Z", "referenceRange": reference}
    title, body = alerts.notice(data)
    assert title == "Blood pressure out of range"
    assert "systolic 90-139 and diastolic 60-89 mmHg" in body


def test_a_tenant_that_turned_the_app_off_gets_no_notice(
    published: list[ServiceEvent], platform: Platform
) -> None:
    assert call(readings_create, caller=ANN, body=reading(value=150))[0] == 201
    # WHEN acme disables the app before the alert is taken
    platform.enabled.discard("acme")
    ACCESS.forget()  # the gate's cached answer (10 s) is the process's own: a real change clears it too
    assert deliver(subscriber, alerts_of(published)) == []
    assert platform.fake.sent("notification") == []


def test_when_notification_is_down_the_alert_comes_back(
    published: list[ServiceEvent], platform: Platform
) -> None:
    # GIVEN notification answers 503
    down = refuse("SERVICE_UNAVAILABLE", retryable=True)
    platform.fake.routes.insert(0, ("notification", "POST", re.compile(".*"), lambda r, b: (503, down)))
    assert call(readings_create, caller=ANN, body=reading(value=150))[0] == 201
    [alert] = alerts_of(published)
    # THEN the event fails (a batch of one that failed: all of it comes back from the queue)
    with pytest.raises(BatchProcessingError):
        deliver(subscriber, [alert])
    # AND once notification is back, the redelivered alert makes its notice
    platform.fake.routes.pop(0)
    assert deliver(subscriber, [alert]) == []
    assert len(platform.fake.sent("notification", "/internal/notifications/inbox")) >= 2


# --- consultation messages → both participants' connections ------------------------------------------
def pushes(published: list[ServiceEvent]) -> list[ServiceEvent]:
    return [e for e in published if e.type == "realtime.push_requested"]


def test_a_message_asks_realtime_to_push_it_to_both_participants_of_the_tenant(
    published: list[ServiceEvent],
) -> None:
    # GIVEN ann booked dre: a consultation of acme
    consultation = booked()
    # WHEN ann sends a message
    status, body = call(
        consultations_messages_send,
        caller=ANN,
        params={"consultationId": consultation},
        body={"body": "My heart races at night"},
    )
    assert status == 201
    # THEN one push is requested, in acme, for ann and dre only, carrying the message as the API shows it
    [push] = pushes(published)
    assert push.tenant_id == "acme"
    assert push.data["tenantId"] == "acme"
    assert push.data["userIds"] == ["u_ann", "u_dre"]
    assert push.data["type"] == "consultation_message"
    assert push.data["data"] == body["data"]


def test_an_outsiders_message_pushes_nothing(published: list[ServiceEvent]) -> None:
    consultation = booked()
    for outsider in (BOB, GUS):  # another member of acme, a member of globex
        code, _ = call(
            consultations_messages_send,
            caller=outsider,
            params={"consultationId": consultation},
            body={"body": "hi"},
        )
        assert code == 404
    assert pushes(published) == []


def test_with_the_bus_down_the_message_is_kept_and_its_push_waits_in_the_outbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    consultation = booked()

    def down(*_: ServiceEvent) -> None:
        raise QueueUnavailable("bus down")

    monkeypatch.setattr(publisher, "send", down)
    params = {"consultationId": consultation}
    assert (
        call(consultations_messages_send, caller=ANN, params=params, body={"body": "Still there?"})[0] == 201
    )
    # THEN the push is staged (the drain publishes it later), written in the message's own transaction
    assert outbox.pending_count() == 1
