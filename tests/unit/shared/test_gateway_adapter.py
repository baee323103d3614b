"""The shared gateway (local runner, WSGI monolith, functions-framework): internal routes stay local."""

from __future__ import annotations

import pytest

from shared.adapters.cors import LOCAL_ORIGINS, CorsPolicy
from shared.adapters.gateway import Gateway, HttpRequest, HttpResponse
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


def test_a_known_path_with_another_method_is_405_with_allow() -> None:
    # GIVEN echo serves GET and POST on /api/v1/echo/items  WHEN a client DELETEs it
    response = gateway(loopback_only_internal=True).handle(HttpRequest("DELETE", "/api/v1/echo/items", {}))
    # THEN 405 METHOD_NOT_ALLOWED naming the methods that exist, in the Allow header too
    assert response.status == 405
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert response.headers["Allow"] == "GET, POST"


def test_a_hidden_internal_route_is_not_revealed_by_a_405() -> None:
    response = gateway(loopback_only_internal=True).handle(
        HttpRequest("GET", TOUCH, {}, source_ip="203.0.113.7")
    )
    assert response.status == 404


# --- CORS ----------------------------------------------------------------------------------------------
def cors_gateway(*origins: str) -> Gateway:
    return Gateway(Registry((echo,)), cors=CorsPolicy(origins))


def preflight(gw: Gateway, origin: str, path: str = "/api/v1/echo/items") -> HttpResponse:
    headers = {"Origin": origin, "Access-Control-Request-Method": "POST"}
    return gw.handle(HttpRequest("OPTIONS", path, headers))


@pytest.mark.parametrize("origin", ["http://localhost:5173", "http://127.0.0.1:8080"])
def test_a_preflight_from_an_allowed_origin_gets_the_cors_headers(origin: str) -> None:
    # GIVEN the local runner's default origins  WHEN a browser app on another port preflights a POST
    response = preflight(cors_gateway(*LOCAL_ORIGINS), origin)
    # THEN 204 allowing that origin, the path's methods and the headers a client sends
    assert response.status == 204
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert response.headers["Access-Control-Allow-Methods"] == "GET, OPTIONS, POST"
    assert "authorization" in response.headers["Access-Control-Allow-Headers"]
    assert response.headers["Vary"] == "Origin"


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "http://localhost:5173.evil.example", "http://localhost:x"]
)
def test_other_origins_are_refused(origin: str) -> None:
    response = preflight(cors_gateway(*LOCAL_ORIGINS), origin)
    assert response.status == 403
    assert "Access-Control-Allow-Origin" not in response.headers


def test_by_default_no_origin_is_allowed() -> None:
    assert preflight(cors_gateway(), "http://localhost:5173").status == 403


def test_a_preflight_for_an_unknown_path_is_404() -> None:
    assert preflight(cors_gateway("*"), "https://app.example", "/api/v1/nothing").status == 404


def test_an_actual_request_from_an_allowed_origin_carries_allow_origin_and_exposed_headers() -> None:
    response = cors_gateway("https://app.example").handle(
        HttpRequest("GET", "/api/v1/echo/items", {"Origin": "https://app.example"})
    )
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "x-request-id" in response.headers["Access-Control-Expose-Headers"]
