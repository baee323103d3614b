"""The shared gateway (local runner, WSGI monolith, functions-framework): internal routes stay local."""

from __future__ import annotations

import pytest

from shared.adapters.gateway import Gateway, HttpRequest
from shared.registry import Registry
from tests.fixtures.echo.manifest import SERVICE as echo

TOUCH = "/internal/echo/i_1/touch"


def gateway(*, loopback_only_internal: bool) -> Gateway:
    return Gateway(Registry((echo,)), loopback_only_internal=loopback_only_internal)


@pytest.mark.parametrize("address", ["192.168.1.20", "203.0.113.7", "::ffff:10.0.0.1", "not-an-address"])
def test_the_local_runner_hides_service_routes_from_other_machines(address: str) -> None:
    # GIVEN the local runner's gateway  WHEN a client that is not on this machine calls a service route
    response = gateway(loopback_only_internal=True).handle(
        HttpRequest("POST", TOUCH, {"content-type": "application/json"}, body=b"{}", source_ip=address)
    )
    # THEN it does not exist for that client (not even a 401 that would confirm it)
    assert response.status == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_a_client_on_this_machine_still_reaches_them_and_must_prove_it_is_a_service(address: str) -> None:
    response = gateway(loopback_only_internal=True).handle(
        HttpRequest("POST", TOUCH, {"content-type": "application/json"}, body=b"{}", source_ip=address)
    )
    assert response.status == 401  # the route ran: it wants a service token


def test_public_routes_are_served_to_everyone() -> None:
    response = gateway(loopback_only_internal=True).handle(
        HttpRequest("GET", "/api/v1/echo/items", {}, source_ip="203.0.113.7")
    )
    assert response.status == 200
