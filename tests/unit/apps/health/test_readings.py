"""Readings: recorded singly and in batches (all or nothing, the invalid one named by index), validated by
type and unit, sealed at rest per record with a KMS data key, read back by their owner only."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest

from apps.health import readings_batch, readings_create, readings_list, store
from apps.health.pii import masked
from shared import aws, observability
from shared.config import settings
from shared.events.model import ServiceEvent
from tests.kit import call, error_code
from tests.unit.apps.gate import Platform
from tests.unit.apps.health.helpers import ANN, BOB, GUS, ago, reading


def stored_items() -> list[dict[str, Any]]:
    return aws.client("dynamodb").scan(TableName=settings().table_name(store.TABLE))["Items"]


def test_a_member_records_a_reading_and_reads_it_back() -> None:
    status, body = call(readings_create, caller=ANN, body=reading(value=72))
    assert status == 201
    created = body["data"]
    assert (created["type"], created["value"], created["unit"], created["outOfRange"]) == (
        "heart_rate",
        72,
        "bpm",
        False,
    )

    status, body = call(readings_list, caller=ANN)
    assert status == 200
    assert [r["readingId"] for r in body["data"]] == [created["readingId"]]
    assert body["data"][0]["value"] == 72


def test_the_value_is_sealed_at_rest_with_a_data_key_of_its_own() -> None:
    # GIVEN two readings with a distinctive value
    call(readings_create, caller=ANN, body=reading("glucose", 5.432, "mmol/L"))
    call(readings_create, caller=ANN, body=reading("glucose", 5.432, "mmol/L"))
    items = [i for i in stored_items() if "sealed" in i]
    # THEN the table holds no plaintext value, and each record has its own encrypted data key
    assert len(items) == 2
    assert all("5.432" not in json.dumps(i) for i in items)
    data_keys = {i["sealed"]["S"].split(".")[1] for i in items}
    assert len(data_keys) == 2


def test_a_sealed_value_does_not_open_as_another_owners() -> None:
    """The encryption context binds the owner: a record copied under another user does not decrypt."""
    from apps.health import readings
    from shared.sealed import SealBroken

    call(readings_create, caller=ANN, body=reading())
    found, _ = store.readings("acme", "u_ann", None, "0000", "9999", limit=None)
    doc, token = found[0]
    with pytest.raises(SealBroken):
        readings.unseal_all("acme", [({**doc, "userId": "u_bob"}, token)])


def test_blood_pressure_takes_systolic_and_diastolic() -> None:
    good = reading("blood_pressure", {"systolic": 118, "diastolic": 76}, "mmHg")
    status, body = call(readings_create, caller=ANN, body=good)
    assert (status, body["data"]["value"]) == (201, {"systolic": 118, "diastolic": 76})

    status, body = call(readings_create, caller=ANN, body=reading("blood_pressure", 120, "mmHg"))
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "heart_rate", "value": 72, "unit": "kg"},  # wrong unit for the type
        {"type": "heart_rate", "value": 900, "unit": "bpm"},  # implausible
        {"type": "cholesterol", "value": 5, "unit": "mmol/L"},  # unknown type
        {"type": "steps", "value": 10.5, "unit": "count"},  # half a step
        {"type": "weight", "value": {"systolic": 1, "diastolic": 0}, "unit": "kg"},
    ],
)
def test_invalid_readings_are_400(bad: dict[str, Any]) -> None:
    status, body = call(readings_create, caller=ANN, body={**bad, "measuredAt": ago(minutes=1)})
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")


def test_a_reading_in_the_future_or_without_a_time_zone_is_400() -> None:
    for when in ("2999-01-01T00:00:00Z", "2026-01-01T00:00:00"):
        status, body = call(readings_create, caller=ANN, body={**reading(), "measuredAt": when})
        assert (status, error_code(body)) == (400, "INVALID_REQUEST")


def test_a_batch_is_written_whole() -> None:
    batch = [reading(value=60 + i % 30, minutes=i + 1) for i in range(120)]
    status, body = call(readings_batch, caller=ANN, body={"readings": batch})
    assert (status, body["data"]["count"]) == (201, 120)
    assert len(body["data"]["readingIds"]) == 120
    assert len([i for i in stored_items() if "sealed" in i]) == 120


def test_a_batch_with_one_invalid_reading_writes_nothing_and_names_its_index() -> None:
    # GIVEN a batch whose fourth reading has an impossible value
    batch = [reading(minutes=i + 1) for i in range(10)]
    batch[3] = {**batch[3], "value": -5}
    # WHEN it is sent
    status, body = call(readings_batch, caller=ANN, body={"readings": batch})
    # THEN 400 names readings[3].value, and not one reading was stored
    assert (status, error_code(body)) == (400, "INVALID_REQUEST")
    assert body["error"]["field"] == "readings[3].value"
    assert body["error"]["details"] == {"index": 3}
    assert [i for i in stored_items() if "sealed" in i] == []


def test_a_wrong_unit_in_a_batch_names_the_unit() -> None:
    batch = [reading(), {**reading(), "unit": "mg/dL"}]
    status, body = call(readings_batch, caller=ANN, body={"readings": batch})
    assert (status, body["error"]["field"]) == (400, "readings[1].unit")


def test_a_batch_of_500_out_of_range_readings_alerts_for_each(published: list[ServiceEvent]) -> None:
    # GIVEN a full batch, every reading over the range (more alerts than one transaction holds)
    batch = [reading(value=150, seconds=i + 1) for i in range(500)]
    status, body = call(readings_batch, caller=ANN, body={"readings": batch})
    # THEN all are stored and each has its alert
    assert (status, body["data"]["count"], body["data"]["outOfRange"]) == (201, 500, 500)
    alerts = {e.data["readingId"] for e in published if e.type == "health.alert"}
    assert alerts == set(body["data"]["readingIds"])


def test_a_failed_write_leaves_no_reading_and_announces_no_alert(
    published: list[ServiceEvent], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the table accepts the first chunks of a batch, then fails
    real = store._batch_write
    calls: list[int] = []

    def flaky(requests: list[Any]) -> None:
        calls.append(len(requests))
        if len(calls) == 3 and "PutRequest" in requests[0]:
            raise RuntimeError("throttled for good")
        real(requests)

    monkeypatch.setattr(store, "_batch_write", flaky)
    batch = [reading(value=150, seconds=i + 1) for i in range(100)]
    status, _ = call(readings_batch, caller=ANN, body={"readings": batch})
    # THEN the request fails, the readings written before the fault are removed, no alert went out
    assert status == 500
    assert [i for i in stored_items() if "sealed" in i] == []
    assert [e for e in published if e.type == "health.alert"] == []


def test_a_batch_over_500_or_empty_is_400() -> None:
    for size in (501, 0):
        status, body = call(readings_batch, caller=ANN, body={"readings": [reading()] * size})
        assert (status, error_code(body)) == (400, "INVALID_REQUEST")
    assert stored_items() == []


def test_readings_are_queried_by_type_and_range_in_pages() -> None:
    call(readings_create, caller=ANN, body=reading("weight", 70.5, "kg", days=3))
    batch = [reading(value=70, hours=h) for h in (1, 30, 60, 100)]
    call(readings_batch, caller=ANN, body={"readings": batch})

    status, body = call(readings_list, caller=ANN, query={"type": "heart_rate", "from": ago(hours=72)})
    assert status == 200
    assert len(body["data"]) == 3  # the 100-hour-old one is before `from`; the weight is another type
    assert all(r["type"] == "heart_rate" for r in body["data"])
    times = [r["measuredAt"] for r in body["data"]]
    assert times == sorted(times)

    status, first = call(readings_list, caller=ANN, query={"pageSize": "2"})
    assert (status, len(first["data"]), first["pagination"]["hasNext"]) == (200, 2, True)
    status, second = call(
        readings_list, caller=ANN, query={"pageSize": "2", "cursor": first["pagination"]["nextCursor"]}
    )
    assert len(second["data"]) == 2
    assert not {r["readingId"] for r in first["data"]} & {r["readingId"] for r in second["data"]}


def test_bad_queries_are_400() -> None:
    for query in ({"type": "mood"}, {"from": "yesterday"}, {"cursor": "!!"}, {"pageSize": "0"}):
        status, body = call(readings_list, caller=ANN, query=query)
        assert (status, error_code(body)) == (400, "INVALID_REQUEST"), query


def test_an_out_of_range_reading_emits_health_alert_without_its_value(published: list[ServiceEvent]) -> None:
    status, body = call(readings_create, caller=ANN, body=reading(value=150))
    assert (status, body["data"]["outOfRange"]) == (201, True)
    alerts = [e for e in published if e.type == "health.alert"]
    assert len(alerts) == 1
    assert alerts[0].tenant_id == "acme"
    assert alerts[0].data["userId"] == "u_ann"
    assert alerts[0].data["readingId"] == body["data"]["readingId"]
    assert "150" not in alerts[0].to_json()
    call(readings_create, caller=ANN, body=reading(value=70))
    assert len([e for e in published if e.type == "health.alert"]) == 1


def test_another_member_never_sees_my_readings() -> None:
    call(readings_create, caller=ANN, body=reading())
    assert call(readings_list, caller=BOB)[1]["data"] == []
    status, body = call(readings_list, caller=BOB, query={"userId": "u_ann"})
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")


def test_another_tenants_user_never_sees_readings() -> None:
    # GIVEN ann of acme recorded readings; gus of globex has the same kind of access in his own tenant
    call(readings_create, caller=ANN, body=reading())
    # THEN gus sees none of them, by his own list or by naming ann
    assert call(readings_list, caller=GUS)[1]["data"] == []
    status, body = call(readings_list, caller=GUS, query={"userId": "u_ann"})
    assert (status, error_code(body)) == (403, "PERMISSION_DENIED")


def test_a_tenant_that_did_not_enable_the_app_is_403(platform: Platform) -> None:
    platform.enabled.discard("globex")
    status, body = call(readings_create, caller=GUS, body=reading())
    assert (status, error_code(body)) == (403, "FORBIDDEN")


def test_values_and_free_text_are_masked_for_logs() -> None:
    line = masked({"readingId": "r_1", "type": "glucose", "value": 9.1, "note": "after cake"})
    assert line["readingId"] == "r_1"
    assert line["type"] == "glucose"
    assert "9.1" not in json.dumps(line)
    assert "cake" not in json.dumps(line)


def test_a_refused_batch_is_logged_without_its_values() -> None:
    # GIVEN the app's logger writing where the test reads (its handler holds the stream it was made with)
    log = observability.logger("health")
    level, logged = log.log_level, io.StringIO()
    log.setLevel("INFO")
    handler = log.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    stream = handler.setStream(logged)
    try:
        # WHEN a batch is refused for a reading with a value and a note
        batch = [reading(), {**reading("glucose", 999.25, "mmol/L"), "note": "secret"}]
        status, _ = call(readings_batch, caller=ANN, body={"readings": batch})
    finally:
        if stream is not None:
            handler.setStream(stream)
        log.setLevel(level)
    # THEN the refusal is logged with the reading's field, and neither its value nor its note
    assert status == 400
    out = logged.getvalue()
    assert "batch refused" in out
    assert "readings[1]" in out
    assert "glucose" in out
    assert "999.25" not in out
    assert "secret" not in out
