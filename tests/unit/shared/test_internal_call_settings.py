"""What the deployments' settings select (issue 11 item 3): the Lambda transport, addressed by the stage's
function-name prefix (or the one function that serves every internal route); and the scrape token that lets
a Prometheus server read `/internal/metrics` next to the service tokens that already could."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from shared import service_client, service_token
from shared.adapters.lambda_events import LocalContext, http_event
from shared.config import settings
from shared.declarations import Auth, Function, Layer, Route, Service
from shared.errors import ServiceUnavailable
from shared.http_app import HttpApp
from shared.transports import HttpTransport, LambdaTransport
from shared.wire import OutgoingRequest

SCRAPEE = Service(
    "scrapee",
    Layer.INFRASTRUCTURE,
    functions=(
        Function("metrics", Route("GET", "/internal/metrics", auth=Auth.METRICS)),
        Function("inner", Route("GET", "/internal/scrapee/inner")),
    ),
)


class Seen(BaseModel):
    caller: str | None


def app_for(name: str) -> HttpApp:
    app = HttpApp(SCRAPEE.function(name))

    @app.endpoint
    def seen() -> Seen:
        from shared.context import require

        return Seen(caller=require().caller)

    return app


METRICS, INNER = app_for("metrics"), app_for("inner")


def get(app: HttpApp, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    route = app.declared
    result = app.resolve(http_event("GET", route.path, route=route, headers=headers), LocalContext("t"))
    return int(result["statusCode"]), json.loads(result["body"])


@pytest.fixture
def scrape_token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("STRATUS_METRICS_TOKEN", "scrape-secret-of-the-stage")
    settings.cache_clear()
    return "scrape-secret-of-the-stage"


def test_the_lambda_transport_is_picked_by_setting_with_the_stages_function_prefix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN what both deployments set
    monkeypatch.setenv("STRATUS_INTERNAL_TRANSPORT", "lambda")
    monkeypatch.setenv("STRATUS_FUNCTION_PREFIX", "stratus-prod")
    settings.cache_clear()
    # THEN calls travel by Lambda Invoke to <prefix>-<service>-<function>, one transport per container
    transport = service_client.default_transport()
    assert isinstance(transport, LambdaTransport)
    assert transport is service_client.default_transport()
    request = OutgoingRequest(
        "users", "POST", "/internal/users/create", {}, {}, None, function="users-create"
    )
    assert transport.function_name(request) == "stratus-prod-users-create"
    assert settings().function_name("users-create") == "stratus-prod-users-create"


def test_the_monoliths_jobs_invoke_the_one_function_that_serves_every_internal_route(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STRATUS_INTERNAL_TRANSPORT", "lambda")
    monkeypatch.setenv("STRATUS_INTERNAL_FUNCTION", "stratus-prod-http-monolith")
    settings.cache_clear()
    transport = service_client.default_transport()
    assert isinstance(transport, LambdaTransport)
    request = OutgoingRequest("cache", "POST", "/internal/sessions/check", {}, {}, None, function="cache-x")
    assert transport.function_name(request) == "stratus-prod-http-monolith"


def test_without_the_setting_the_gateway_url_is_used_and_without_either_there_is_no_transport(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STRATUS_INTERNAL_TRANSPORT", raising=False)
    monkeypatch.setenv("STRATUS_GATEWAY_URL", "http://127.0.0.1:3000")
    settings.cache_clear()
    assert isinstance(service_client.default_transport(), HttpTransport)
    monkeypatch.setenv("STRATUS_INTERNAL_TRANSPORT", "inprocess")
    settings.cache_clear()
    with pytest.raises(ServiceUnavailable, match="none was installed"):
        service_client.default_transport()
    monkeypatch.setenv("STRATUS_INTERNAL_TRANSPORT", "lamda")  # a typo is refused, not taken for http
    settings.cache_clear()
    with pytest.raises(ServiceUnavailable, match="not lambda, http or inprocess"):
        service_client.default_transport()


def test_a_prometheus_server_scrapes_with_the_stages_token(scrape_token: str) -> None:
    status, body = get(METRICS, {"authorization": f"Bearer {scrape_token}"})
    assert status == 200
    assert body["data"] == {"caller": "prometheus"}


@pytest.mark.parametrize("bearer", ["not-the-token", "scrape-secret-of-the-stagE", ""])
def test_a_wrong_scrape_token_is_401(scrape_token: str, bearer: str) -> None:
    status, body = get(METRICS, {"authorization": f"Bearer {bearer}".strip()})
    assert status == 401
    assert body["error"]["code"] == "INVALID_TOKEN"


def test_no_scrape_token_is_accepted_on_a_stage_that_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRATUS_METRICS_TOKEN", raising=False)
    settings.cache_clear()
    status, _ = get(METRICS, {"authorization": "Bearer "})
    assert status == 401
    status, _ = get(METRICS, {"authorization": "Bearer anything"})
    assert status == 401


def test_the_service_token_still_reads_the_metrics_and_nothing_at_all_does_not(scrape_token: str) -> None:
    token = service_token.issue("gateway", audience="scrapee", layer=Layer.APPLICATION)
    status, body = get(METRICS, {"x-service-token": token, "x-service-name": "gateway"})
    assert (status, body["data"]) == (200, {"caller": "gateway"})
    status, body = get(METRICS, {})
    assert status == 401


def test_the_scrape_token_opens_the_scrape_target_only_not_other_internal_routes(scrape_token: str) -> None:
    status, body = get(INNER, {"authorization": f"Bearer {scrape_token}"})
    assert status == 401
    assert body["error"]["code"] in ("INVALID_TOKEN", "UNAUTHORIZED")
