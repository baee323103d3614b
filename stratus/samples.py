"""Sample events to feed `stratus invoke`, in the shapes AWS delivers them, and the check that an event
has the shape its function takes (`stratus events sample …`, docs/local.md).

- a catalogued event type (`user.created`): the EventBridge event a rule delivers (its `detail` is the
  platform's event, its `data` the catalog schema's first example); `sqs=True`: that event in an SQS batch,
  as a subscriber's queue hands it over;
- `http METHOD PATH`: the API Gateway HTTP API (payload v2.0) request of the route serving PATH;
- `schedule`: what an EventBridge schedule sends a job.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from shared.adapters.lambda_events import http_event, scheduled_event, sqs_event
from shared.config import settings
from shared.declarations import Authorizer, Function, Route, Schedule, Subscription
from shared.events import catalog
from shared.events.model import SOURCE_PREFIX, ServiceEvent
from shared.registry import Registry

ACCOUNT = "000000000000"
SAMPLE_TENANT = "acme-corp"


class WrongEventShape(ValueError):
    """The event is not what the function's trigger delivers."""


def event_types() -> list[str]:
    return catalog.event_types()


def bus_event(event_type: str, *, tenant_id: str | None = None) -> dict[str, Any]:
    """The EventBridge event of a catalogued type, as a rule delivers it to its target."""
    known = catalog.event_types()
    if event_type not in known:
        raise ValueError(
            f"{event_type!r} is not a catalogued event type; types: {', '.join(known)} "
            "(or `http METHOD PATH`, `schedule`)"
        )
    schema = catalog.load_schema(event_type)
    data = catalog.sample(event_type)
    catalog.validate(event_type, data)  # a catalog example that its own schema refuses is a catalog bug
    tenant = tenant_id or str(data.get("tenantId") or SAMPLE_TENANT)
    event = ServiceEvent(
        type=event_type,
        source=str(schema.get("x-publisher") or event_type.split(".", 1)[0]),
        tenant_id=tenant,
        user_id=str(data["userId"]) if isinstance(data.get("userId"), str) else None,
        correlation_id="req_sample",
        data=data,
    )
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": event.type,
        "source": f"{SOURCE_PREFIX}{event.source}",
        "account": ACCOUNT,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": settings().region,
        "resources": [],
        "detail": json.loads(event.to_json()),
    }


def sqs_batch(bus_events: list[dict[str, Any]], *, queue: str = "events") -> dict[str, Any]:
    """EventBridge events as the SQS batch a subscriber's queue hands its function."""
    messages: list[Mapping[str, Any]] = []
    for event in bus_events:
        body = json.dumps(event, separators=(",", ":"))
        messages.append(
            {
                "MessageId": str(uuid.uuid4()),
                "ReceiptHandle": uuid.uuid4().hex,
                "Body": body,
                "MD5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
                "Attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": str(_now_ms())},
            }
        )
    return sqs_event(messages, queue_arn=f"arn:aws:sqs:{settings().region}:{ACCOUNT}:{queue}")


def http_request(
    registry: Registry,
    method: str,
    path: str,
    *,
    body: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The HTTP API v2 request of the declared route serving METHOD PATH (path parameters filled in)."""
    found = registry.match(method, path)
    if found is None:
        raise ValueError(f"no route serves {method.upper()} {path}; `stratus routes` lists them")
    sent = {"accept": "application/json", "host": "localhost", "user-agent": "stratus-invoke"}
    if body is not None:
        sent["content-type"] = "application/json"
    sent.update({k.lower(): v for k, v in (headers or {}).items()})
    return http_event(
        method, path, route=found.function.route, path_params=found.path_params, headers=sent, body=body
    )


def schedule() -> dict[str, Any]:
    return scheduled_event("manual")


def _now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


# --- the shape a function takes ---------------------------------------------------------------------------
def takes(fn: Function) -> str:
    """What `fn`'s trigger delivers, and how to get a sample of it."""
    trigger = fn.trigger
    if isinstance(trigger, Route):
        return f"an HTTP API v2 request (`stratus events sample http {trigger.method} {trigger.path}`)"
    if isinstance(trigger, Subscription):
        first = next((t for t in catalog.event_types() if trigger.matches(t)), "user.created")
        return f"an SQS batch of bus events (`stratus events sample {first} --sqs`)"
    if isinstance(trigger, Schedule):
        return "a scheduled event (`stratus events sample schedule`)"
    if isinstance(trigger, Authorizer):
        return "an HTTP API v2 authorizer request"
    return "its trigger's event"


def shape_of(event: Any) -> str:
    if not isinstance(event, dict):
        return f"a JSON {type(event).__name__}, not an object"
    if event.get("version") == "2.0" and isinstance(event.get("requestContext"), dict):
        return "an HTTP API v2 request"
    records = event.get("Records")
    if isinstance(records, list):
        return "an SQS batch" if all(_is_sqs_record(r) for r in records) else "a batch of non-SQS records"
    if "detail-type" in event:
        return f"an EventBridge event ({event['detail-type']})"
    if "httpMethod" in event:
        return "an API Gateway REST (v1) request"
    return f"an object with keys {', '.join(sorted(event)[:6]) or '(none)'}"


def check_shape(fn: Function, event: Any) -> None:
    """Refuse, in one line, an event that is not what `fn`'s trigger delivers (rather than let the handler
    fail on a missing key deep inside a library)."""
    trigger = fn.trigger
    if isinstance(trigger, Route | Authorizer):
        ok = (
            isinstance(event, dict)
            and event.get("version") == "2.0"
            and isinstance(event.get("requestContext"), dict)
            and isinstance(event["requestContext"].get("http"), dict)
            and isinstance(event.get("rawPath"), str)
        )
    elif isinstance(trigger, Subscription):
        records = event.get("Records") if isinstance(event, dict) else None
        ok = isinstance(records, list) and all(_is_sqs_record(r) for r in records)
        if ok:
            for record in records or []:
                _check_body(fn, record["body"])
    elif isinstance(trigger, Schedule):
        ok = isinstance(event, dict) and "detail-type" in event and "source" in event
    else:
        ok = isinstance(event, dict)
    if not ok:
        raise WrongEventShape(f"{fn.qualified_name} takes {takes(fn)}; this event is {shape_of(event)}")


def _is_sqs_record(record: Any) -> bool:
    return (
        isinstance(record, dict)
        and record.get("eventSource") == "aws:sqs"
        and isinstance(record.get("body"), str)
        and isinstance(record.get("messageId"), str)
    )


def _check_body(fn: Function, body: str) -> None:
    try:
        ServiceEvent.from_sqs_body(body)
    except ValueError as exc:  # pydantic's ValidationError and json's JSONDecodeError are ValueErrors
        first = str(exc).splitlines()[0]
        raise WrongEventShape(
            f"{fn.qualified_name}: an SQS record's body is not a bus event with a platform event as its "
            f"detail ({first}); it takes {takes(fn)}"
        ) from None
