"""functions-framework targets (Google Cloud Functions / Cloud Run): the HTTP API as one HTTP target, and
each subscriber as a CloudEvent target. Same functions, same events (CloudEvents map 1:1 onto seed 000's
envelope), same envelopes."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from shared.adapters.gateway import Gateway, HttpResponse
from shared.adapters.lambda_events import LocalContext
from shared.adapters.wsgi import to_http_request, to_werkzeug_response
from shared.events.model import ServiceEvent
from shared.events.subscriber import Subscriber
from shared.registry import Registry


def http_target(gateway: Gateway) -> Callable[[Request], Response]:
    def target(request: Request) -> Response:
        parsed = to_http_request(request)
        response = parsed if isinstance(parsed, HttpResponse) else gateway.handle(parsed)
        return to_werkzeug_response(response)

    return target


def subscriber_of(registry: Registry, qualified_name: str) -> Subscriber:
    """A subscriber function's module exposes its `Subscriber` as `subscriber`."""
    fn = registry.function(qualified_name)
    found = getattr(importlib.import_module(fn.module), "subscriber", None)
    if not isinstance(found, Subscriber):
        raise TypeError(f"{fn.module} has no module-level `subscriber`")
    return found


def cloudevent_target(registry: Registry, qualified_name: str) -> Callable[[Any], None]:
    """A CloudEvent target for one subscriber. An exception fails the delivery, so it is retried."""

    fn = registry.function(qualified_name)

    def target(cloud_event: Any) -> None:
        event = ServiceEvent.from_cloudevent(cloud_event.get_attributes(), cloud_event.get_data())
        subscriber_of(registry, qualified_name).process(event, LocalContext.for_function(fn))

    return target
