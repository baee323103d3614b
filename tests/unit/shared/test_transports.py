"""Transports deliver the same request; the Lambda one sends API Gateway's v2 event and reads the result."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from shared import aws
from shared.declarations import Layer
from shared.errors import InternalError, NotFound, ServiceUnavailable, Timeout
from shared.service_client import OutgoingRequest, ServiceClient
from shared.transports import InProcessTransport, LambdaTransport
from tests.fixtures.registry import test_registry

REQUEST = OutgoingRequest(
    service="echo",
    method="POST",
    path="/internal/echo/i_1/touch",
    headers={"x-request-id": "req_1"},
    query={},
    body=b"{}",
    function="echo-touch",
)


@pytest.fixture
def lambda_client() -> Any:
    return aws.client("lambda")


@pytest.fixture
def lambda_stub(lambda_client: Any) -> Iterator[Stubber]:
    with Stubber(lambda_client) as stub:
        yield stub


def payload(obj: object) -> StreamingBody:
    raw = json.dumps(obj).encode()
    return StreamingBody(io.BytesIO(raw), len(raw))


def test_lambda_invoke_sends_the_v2_event_to_the_requests_function(
    lambda_stub: Stubber, lambda_client: Any
) -> None:
    result = {"statusCode": 200, "body": json.dumps({"success": True, "data": {"ok": 1}})}
    lambda_stub.add_response(
        "invoke",
        {"StatusCode": 200, "Payload": payload(result)},
        {"FunctionName": "stratus-prod-echo-touch", "InvocationType": "RequestResponse", "Payload": ANY},
    )
    transport = LambdaTransport(prefix="stratus-prod", client=lambda_client)
    response = transport.send(REQUEST, timeout=1)
    assert response.status == 200
    assert response.body["data"] == {"ok": 1}


def test_one_function_serving_every_internal_route_is_invoked_for_all(
    lambda_stub: Stubber, lambda_client: Any
) -> None:
    result = {"statusCode": 204, "body": ""}
    lambda_stub.add_response(
        "invoke",
        {"StatusCode": 200, "Payload": payload(result)},
        {"FunctionName": "stratus-prod-http-monolith", "InvocationType": "RequestResponse", "Payload": ANY},
    )
    transport = LambdaTransport(
        prefix="stratus-prod", target="stratus-prod-http-monolith", client=lambda_client
    )
    assert transport.send(REQUEST, timeout=1).status == 204


def test_a_request_without_its_function_cannot_be_invoked(lambda_client: Any) -> None:
    unnamed = OutgoingRequest("echo", "POST", "/internal/echo/i_1/touch", {}, {}, None)
    with pytest.raises(InternalError, match="typed client"):
        LambdaTransport(prefix="stratus-prod", client=lambda_client).send(unnamed, timeout=1)


def test_a_crashed_lambda_is_service_unavailable(lambda_stub: Stubber, lambda_client: Any) -> None:
    lambda_stub.add_response(
        "invoke",
        {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": payload({"errorMessage": "boom"})},
    )
    with pytest.raises(ServiceUnavailable, match="boom"):
        LambdaTransport(prefix="p", client=lambda_client).send(REQUEST, timeout=1)


def test_in_process_calls_only_reach_routes_of_the_named_service() -> None:
    transport = InProcessTransport(test_registry())
    with pytest.raises(NotFound):
        transport.send(
            OutgoingRequest("monitoring", "POST", "/internal/echo/i_1/touch", {}, {}, None), timeout=1
        )


def test_in_process_calls_hold_the_policys_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = test_registry()
    slow = registry.function("echo-touch")
    monkeypatch.setitem(registry._handlers, slow.qualified_name, lambda event, ctx: time.sleep(0.5))
    with pytest.raises(Timeout):
        InProcessTransport(registry).send(REQUEST, timeout=0.05)


def test_in_process_calls_run_the_callees_real_handler() -> None:
    client = ServiceClient("relay", layer=Layer.APPLICATION, transport=InProcessTransport(test_registry()))
    data = client.post("echo", "/internal/echo/i_3/touch")
    assert data["caller"] == "relay"
    assert data["itemId"] == "i_3"
