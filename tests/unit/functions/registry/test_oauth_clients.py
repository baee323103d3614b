"""The registry's OAuth client lookup (functions/oidc's clients): the secret checked against its peppered
hash, enablement per tenant, and nothing for an unknown or deregistered app."""

from __future__ import annotations

from typing import Any

from functions.registry import oauth_clients, ports, register, tenant_services_put
from tests.kit import call, error_code
from tests.unit.functions.registry.conftest import ACME_ADMIN, ROOT


def _register() -> dict[str, Any]:
    status, body = call(
        register,
        caller=ROOT,
        body={
            "name": "shop",
            "displayName": "Shop",
            "version": "1.0.0",
            "baseUrl": "https://shop.example.com",
            "endpoints": [{"method": "GET", "path": "/hello"}],
            "redirectUris": ["https://shop.example.com/cb"],
        },
    )
    assert status == 201
    return dict(body["data"])


def resolve(**body: Any) -> tuple[int, dict[str, Any]]:
    return call(oauth_clients, body=body, service="oidc")


def test_a_client_with_its_secret_and_enablement() -> None:
    app = _register()
    call(
        tenant_services_put,
        params={"tenantId": "acme", "name": "shop"},
        body={"enabled": True},
        caller=ACME_ADMIN,
    )
    status, body = resolve(clientId=app["clientId"], clientSecret=app["clientSecret"], tenantId="acme")
    assert status == 200
    data = body["data"]
    assert data["redirectUris"] == ["https://shop.example.com/cb"]
    assert data["secretValid"] is True
    assert data["enabled"] is True
    assert "clientSecret" not in data
    _, other = resolve(clientId=app["clientId"], clientSecret=app["clientSecret"] + "x", tenantId="globex")
    assert other["data"]["secretValid"] is False
    assert other["data"]["enabled"] is False
    _, bare = resolve(clientId=app["clientId"])
    assert bare["data"]["secretValid"] is None
    assert bare["data"]["enabled"] is None


def test_an_unknown_or_deregistered_client_is_404() -> None:
    app = _register()
    status, body = resolve(clientId="cli_" + "0" * 24)
    assert status == 404
    assert error_code(body) == "NOT_FOUND"
    record = ports.store().get(app["serviceId"])
    assert record is not None
    ports.store().deregister(record, "2026-01-01T00:00:00.000Z")
    assert resolve(clientId=app["clientId"])[0] == 404


def test_only_services_above_may_ask() -> None:
    status, _ = call(oauth_clients, body={"clientId": "cli_" + "0" * 24}, service="cache")
    assert status == 403
