"""`stratus events sample` (issue 13.3): a valid event of every catalogued type, in the shapes AWS delivers
— the EventBridge event, the SQS batch of it, an HTTP API v2 request of a declared route — and the shape
check `stratus invoke` makes before it calls a handler."""

from __future__ import annotations

import json

import pytest

from functions.catalog import registry
from shared.events import catalog
from shared.events.model import ServiceEvent
from stratus import samples


@pytest.mark.parametrize("event_type", catalog.event_types())
def test_every_catalogued_type_has_a_valid_bus_event(event_type: str) -> None:
    # WHEN the sample of a type is made
    event = samples.bus_event(event_type)
    # THEN it is an EventBridge event whose detail is the platform's event, its data valid for the type
    assert (event["version"], event["detail-type"]) == ("0", event_type)
    assert event["source"].startswith("stratus.")
    detail = ServiceEvent.model_validate(event["detail"])
    assert detail.type == event_type
    catalog.validate(event_type, detail.data)
    # AND the SQS batch of it is what a subscriber's queue hands over: the event is each record's body
    [record] = samples.sqs_batch([event])["Records"]
    assert record["eventSource"] == "aws:sqs"
    assert ServiceEvent.from_sqs_body(record["body"]) == detail


def test_a_subscriber_takes_the_sqs_batch_and_refuses_the_bare_event() -> None:
    fn = registry().function("audit-subscriber")
    event = samples.bus_event("user.created", tenant_id="acme")
    samples.check_shape(fn, samples.sqs_batch([event]))
    with pytest.raises(samples.WrongEventShape, match=r"takes an SQS batch .* this event is an EventBridge"):
        samples.check_shape(fn, event)


def test_an_sqs_record_whose_body_is_no_platform_event_is_refused() -> None:
    fn = registry().function("audit-subscriber")
    batch = samples.sqs_batch([samples.bus_event("user.created")])
    batch["Records"][0]["body"] = json.dumps({"detail": {"type": "not an event"}})
    with pytest.raises(samples.WrongEventShape, match="is not a bus event"):
        samples.check_shape(fn, batch)


def test_an_http_sample_is_the_routes_request_with_its_path_parameters() -> None:
    event = samples.http_request(registry(), "PATCH", "/api/v1/users/u_42", body='{"profile":{}}')
    assert event["routeKey"] == "PATCH /api/v1/users/{userId}"
    assert event["pathParameters"] == {"userId": "u_42"}
    assert event["headers"]["content-type"] == "application/json"
    assert event["body"] == '{"profile":{}}'
    samples.check_shape(registry().function("users-update"), event)


def test_an_http_function_refuses_other_shapes_naming_its_sample() -> None:
    fn = registry().function("users-me")
    for wrong, said in (
        ([], "a JSON list, not an object"),
        ({"httpMethod": "GET", "path": "/"}, "an API Gateway REST (v1) request"),
        (samples.schedule(), "an EventBridge event (Scheduled Event)"),
    ):
        with pytest.raises(samples.WrongEventShape) as refused:
            samples.check_shape(fn, wrong)
        assert str(refused.value) == (
            "users-me takes an HTTP API v2 request (`stratus events sample http GET /api/v1/users/me`); "
            f"this event is {said}"
        )


def test_an_unknown_type_or_route_names_what_exists() -> None:
    with pytest.raises(ValueError, match=r"types: .*user\.created"):
        samples.bus_event("user.nope")
    with pytest.raises(ValueError, match="no route serves GET /api/v2/nothing"):
        samples.http_request(registry(), "GET", "/api/v2/nothing")
