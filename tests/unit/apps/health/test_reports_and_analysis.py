"""Analysis of a period (min, max, mean, trend, out of range) and the weekly report, built by the app's
subscriber as JSON and PDF into the files bucket under the tenant's prefix."""

from __future__ import annotations

import json

from apps.health import analysis, readings_batch, reports, reports_create, reports_get, subscriber, trends
from shared import aws
from shared.config import settings
from shared.events.model import ServiceEvent
from tests.kit import call, deliver, error_code, event
from tests.unit.apps.health.helpers import ANN, BOB, GUS, reading


def test_analysis_of_a_week() -> None:
    # GIVEN heart rates rising over the week, one of them over the reference range, and an older one
    values = [(6, 62), (5, 66), (4, 70), (3, 75), (2, 80), (1, 104)]
    batch = [reading(value=v, days=d) for d, v in values] + [reading(value=40, days=20)]
    call(readings_batch, caller=ANN, body={"readings": batch})
    # WHEN ann asks for the last 7 days
    status, body = call(analysis, caller=ANN, query={"type": "heart_rate", "period": "7d"})
    # THEN
    assert status == 200
    found = body["data"]
    assert (found["min"], found["max"], found["count"]) == (62, 104, 6)
    assert found["mean"] == round(sum(v for _, v in values) / 6, 2)
    assert (found["trend"], found["outOfRange"]) == ("rising", 1)
    assert found["referenceRange"] == {"low": 60, "high": 100}
    # AND over 30 days the older (low) reading counts too
    month = call(analysis, caller=ANN, query={"type": "heart_rate", "period": "30d"})[1]["data"]
    assert (month["count"], month["min"], month["outOfRange"]) == (7, 40, 2)


def test_analysis_converts_units_and_handles_no_readings() -> None:
    call(
        readings_batch,
        caller=ANN,
        body={"readings": [reading("glucose", 90, "mg/dL"), reading("glucose", 5, "mmol/L")]},
    )
    found = call(analysis, caller=ANN, query={"type": "glucose"})[1]["data"]
    # 90 mg/dL is 4.9956 mmol/L (÷ 18.016): both are 5.0 at two decimals
    assert (found["unit"], found["count"], found["min"], found["max"]) == ("mmol/L", 2, 5.0, 5.0)
    empty = call(analysis, caller=BOB, query={"type": "glucose"})[1]["data"]
    assert (empty["count"], empty["mean"], empty["trend"]) == (0, None, "insufficient_data")


def test_analysis_refuses_unknown_types_and_periods() -> None:
    for query in ({"type": "mood"}, {"type": "weight", "period": "1y"}, {}):
        status, body = call(analysis, caller=ANN, query=query)
        assert (status, error_code(body)) == (400, "INVALID_REQUEST")


def test_trend_is_stable_within_three_percent() -> None:
    assert trends.trend_of([(0, 70), (1, 71), (2, 70), (3, 71)]) == "stable"
    assert trends.trend_of([(0, 90), (1, 85), (2, 80)]) == "falling"
    assert trends.trend_of([(0, 90)]) == "insufficient_data"


def test_a_weekly_report_is_built_by_the_subscriber_as_json_and_pdf(published: list[ServiceEvent]) -> None:
    call(readings_batch, caller=ANN, body={"readings": [reading(value=70, days=d) for d in (1, 2, 3)]})
    # WHEN ann asks for a report
    status, body = call(reports_create, caller=ANN)
    assert (status, body["data"]["status"]) == (202, "pending")
    report_id = body["data"]["reportId"]
    assert call(reports_get, caller=ANN, params={"reportId": report_id})[1]["data"]["status"] == "pending"
    # AND the subscriber takes the event
    requested = [e for e in published if e.type == "health.report_requested"]
    assert deliver(subscriber, requested) == []
    # THEN it is ready with download URLs, and the objects lie under the tenant's prefix
    ready = call(reports_get, caller=ANN, params={"reportId": report_id})[1]["data"]
    assert ready["status"] == "ready"
    assert ready["pdfUrl"]
    assert ready["jsonUrl"]
    s3 = aws.client("s3")
    pdf = s3.get_object(
        Bucket=settings().bucket_name, Key=reports.object_key("acme", "u_ann", report_id, "pdf")
    )
    assert pdf["Body"].read().startswith(b"%PDF")
    raw = s3.get_object(
        Bucket=settings().bucket_name, Key=reports.object_key("acme", "u_ann", report_id, "json")
    )
    content = json.loads(raw["Body"].read())
    assert [(t["type"], t["count"], t["mean"]) for t in content["types"]] == [("heart_rate", 3, 70.0)]


def test_someone_elses_report_is_404() -> None:
    report_id = call(reports_create, caller=ANN)[1]["data"]["reportId"]
    for other in (BOB, GUS):
        status, body = call(reports_get, caller=other, params={"reportId": report_id})
        assert (status, error_code(body)) == (404, "NOT_FOUND")


def test_a_deleted_tenants_items_are_purged(published: list[ServiceEvent]) -> None:
    call(readings_batch, caller=ANN, body={"readings": [reading()]})
    call(readings_batch, caller=GUS, body={"readings": [reading()]})
    gone = event(
        "tenant.deleted",
        {"tenantId": "acme", "deletedAt": "2026-01-01T00:00:00Z"},
        source="tenants",
        tenant_id="acme",
    )
    assert deliver(subscriber, [gone]) == []
    items = aws.client("dynamodb").scan(TableName=settings().table_name("health"))["Items"]
    assert items
    assert all(i["pk"]["S"].startswith("TENANT#globex#") for i in items)
