"""The test kit every service's unit tests share: call a function module's Lambda handler exactly as the
gateway (a user route, after the authorizer) or a calling service (an internal route, with a service token)
would, fake the services it calls, and deliver events to a subscriber as SQS batches."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from shared import aws, context, service_token
from shared.adapters.lambda_events import LocalContext, http_event, sqs_event
from shared.context import RequestContext, UserContext
from shared.events import publisher
from shared.events.model import ServiceEvent
from shared.service_client import IncomingResponse, OutgoingRequest


def user(
    user_id: str = "u_admin",
    *,
    tenant: str = "acme",
    permissions: tuple[str, ...] = ("*",),
    roles: tuple[str, ...] = ("tenant_admin",),
) -> UserContext:
    return UserContext(user_id=user_id, tenant_id=tenant, roles=roles, permissions=permissions)


def call(
    module: ModuleType,
    *,
    params: dict[str, str] | None = None,
    body: Any = None,
    query: dict[str, str] | None = None,
    caller: UserContext | None = None,
    service: str | None = None,
    system_token: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """Invoke `module.handler` for its declared route, as `caller` (a user route) or as `service` (an
    internal route: a service token whose audience is the module's service). → (status, parsed body)."""
    route = module.app.declared
    path = route.path
    for name, value in (params or {}).items():
        path = path.replace("{" + name + "}", value)
    sent = {"content-type": "application/json", **(headers or {})}
    if service is not None:
        sent["x-service-token"] = service_token_for(service, module.app.function.service)
        sent["x-service-name"] = service
    if system_token is not None:
        sent["x-system-token"] = system_token
    event = http_event(
        route.method,
        path,
        route=route,
        path_params=params,
        headers=sent,
        query=query,
        body=None if body is None else body if isinstance(body, str) else json.dumps(body),
        authorizer={"userContext": caller.to_header()} if caller is not None else None,
    )
    result = module.handler(event, LocalContext(module.app.function.qualified_name))
    return int(result["statusCode"]), json.loads(result["body"]) if result.get("body") else {}


def service_token_for(caller: str, audience: str) -> str:
    """The service token `caller`'s typed clients send to `audience`, with the caller's declared layer (the
    catalog's, or a test service's). An undeclared caller's token names no layer: only its own service
    would accept it."""
    from tests.fixtures.registry import test_registry

    declared = test_registry().by_service.get(caller)
    return service_token.issue(caller, audience=audience, layer=declared.layer if declared else None)


def error_code(payload: dict[str, Any]) -> str:
    return str(payload["error"]["code"])


Answer = Callable[[OutgoingRequest, Any], "tuple[int, Any] | Any"]


@dataclass
class FakeServices:
    """A service-client transport that answers from a table of `(service, METHOD, path regex)` → answer.
    An answer returns the `data` of a success envelope, or `(status, data-or-error)`; every request is
    kept. Unknown routes answer 404, so a call nobody expected fails the test loudly."""

    routes: list[tuple[str, str, re.Pattern[str], Answer]] = field(default_factory=list)
    requests: list[OutgoingRequest] = field(default_factory=list)

    def on(self, service: str, method: str, path: str, answer: Answer) -> FakeServices:
        self.routes.append((service, method.upper(), re.compile(f"^{path}$"), answer))
        return self

    def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        self.requests.append(request)
        body = json.loads(request.body) if request.body else None
        for service, method, pattern, answer in self.routes:
            if service == request.service and method == request.method and pattern.match(request.path):
                result = answer(request, body)
                status, data = result if isinstance(result, tuple) else (200, result)
                if status >= 400:
                    return IncomingResponse(status, {"success": False, "error": data})
                return IncomingResponse(status, {"success": True, "data": data})
        error = {"code": "NOT_FOUND", "message": f"no fake for {request.method} {request.path}"}
        return IncomingResponse(404, {"success": False, "error": error})

    def sent(self, service: str, path_part: str = "") -> list[Any]:
        """The bodies sent to `service` on paths containing `path_part`."""
        return [
            json.loads(r.body) if r.body else None
            for r in self.requests
            if r.service == service and path_part in r.path
        ]


def refuse(code: str, message: str = "refused", *, retryable: bool = False) -> dict[str, Any]:
    """An error body for a FakeServices answer: `lambda r, b: (403, refuse("PERMISSION_DENIED"))`."""
    return {"code": code, "message": message, "retryable": retryable}


def event(
    event_type: str,
    data: dict[str, Any],
    *,
    source: str = "users",
    tenant_id: str | None = "acme",
    user_id: str | None = None,
    request_id: str = "req_test",
) -> ServiceEvent:
    """A catalog event (validated against its schema) as a publisher inside a request would build it."""
    ctx = RequestContext(request_id=request_id, correlation_id=f"cor_{request_id}", service=source)
    with context.bound(ctx):
        return publisher.build(event_type, data, source=source, tenant_id=tenant_id, user_id=user_id)


def deliver(module: ModuleType, events: Iterable[ServiceEvent]) -> list[str]:
    """Hand `events` to a subscriber module as one SQS batch (the EventBridge envelope a rule delivers);
    → the ids of the events whose messages failed (and so come back)."""
    events = list(events)
    messages = [
        {
            "MessageId": f"m-{i}-{e.id}",
            "ReceiptHandle": f"rh-{i}",
            "Body": json.dumps(
                {"detail-type": e.type, "source": f"stratus.{e.source}", "detail": json.loads(e.to_json())}
            ),
        }
        for i, e in enumerate(events)
    ]
    batch = sqs_event(messages, queue_arn="arn:aws:sqs:us-east-1:000000000000:test")
    result = module.handler(batch, LocalContext(module.subscriber.function.qualified_name))
    failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
    return [e.id for i, e in enumerate(events) if f"m-{i}-{e.id}" in failed]


@contextmanager
def dynamodb_calls() -> Iterator[list[str]]:
    """The names of the DynamoDB operations made inside the block: by the boto3 client (botocore's
    before-call hook) and by pynamodb models (which make their own botocore client)."""
    from pynamodb.connection.base import Connection

    seen: list[str] = []

    def record(model: Any, **_: Any) -> None:
        seen.append(model.name)

    def recorded(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
        seen.append(operation_name)
        return real(self, operation_name, operation_kwargs)

    events = aws.client("dynamodb").meta.events
    events.register("before-call.dynamodb.*", record)
    real = Connection._make_api_call
    Connection._make_api_call = recorded  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        Connection._make_api_call = real  # type: ignore[method-assign]
        events.unregister("before-call.dynamodb.*", record)
