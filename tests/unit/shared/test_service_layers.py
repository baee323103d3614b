"""Layering at run time (issue 11 item 2): a service token carries its caller's layer, and an internal
route refuses a caller that is not strictly above its own service — whatever the declarations say."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared import service_token
from shared.adapters.lambda_events import LocalContext, http_event
from shared.declarations import Layer
from shared.errors import Forbidden
from shared.transports import InProcessTransport
from tests.fixtures.echo import touch  # echo is a business-layer service
from tests.fixtures.echo.client import EchoClient
from tests.fixtures.echo.manifest import SERVICE as ECHO
from tests.fixtures.registry import test_registry
from tests.fixtures.relay.manifest import SERVICE as RELAY

CTX = LocalContext("test")


def touch_as(caller: str, layer: int | None) -> dict[str, Any]:
    token = service_token.issue(caller, audience="echo", layer=layer)
    event = http_event(
        "POST",
        "/internal/echo/i_1/touch",
        path_params={"itemId": "i_1"},
        headers={"x-service-token": token, "x-service-name": caller},
    )
    result: dict[str, Any] = touch.handler(event, CTX)
    return result


def refusal(result: dict[str, Any]) -> dict[str, Any]:
    assert result["statusCode"] == 403
    error: dict[str, Any] = json.loads(result["body"])["error"]
    assert error["code"] == "FORBIDDEN"
    return error


def test_a_caller_of_a_higher_layer_is_served() -> None:
    assert touch_as("relay", Layer.APPLICATION)["statusCode"] == 200


def test_a_lower_layer_callers_token_is_refused_by_a_higher_layer_callee() -> None:
    error = refusal(touch_as("monitoring", Layer.INFRASTRUCTURE))
    assert "monitoring (infrastructure) may not call echo (business)" in error["message"]
    assert error["details"] == {"caller": "monitoring", "callerLayer": "infrastructure"}


def test_a_caller_of_the_same_layer_is_refused() -> None:
    refusal(touch_as("users", Layer.BUSINESS))


def test_a_service_calling_itself_is_served_whatever_its_layer() -> None:
    assert touch_as("echo", Layer.BUSINESS)["statusCode"] == 200


def test_a_token_without_a_layer_is_refused_unless_it_is_the_callees_own() -> None:
    refusal(touch_as("relay", None))
    assert touch_as("echo", None)["statusCode"] == 200


def test_typed_clients_send_their_services_layer_and_a_lower_service_is_refused_end_to_end() -> None:
    transport = InProcessTransport(test_registry())
    # GIVEN relay (application) calling echo (business) through echo's typed client
    assert EchoClient(RELAY, transport=transport).touch("i_2").caller == "relay"
    # AND a client echo makes of itself (allowed to construct: a service may call itself)
    assert EchoClient(ECHO, transport=transport).touch("i_3").caller == "echo"
    # WHEN a service below echo calls it anyway (its own ServiceClient, signing its own layer)
    from shared.service_client import ServiceClient

    lower = ServiceClient("cache", layer=Layer.INFRASTRUCTURE, transport=transport)
    # THEN echo refuses it: 403, not retried
    with pytest.raises(Forbidden):
        lower.post("echo", "/internal/echo/i_4/touch")
