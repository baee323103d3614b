"""Declarations: routes, subscription patterns, schedules, and the registry's rules (layering)."""

from __future__ import annotations

import pytest

from shared.declarations import Auth, Function, Layer, Route, Schedule, Service, Subscription, Table
from shared.registry import Registry


def test_routes_match_like_api_gateway_and_translate_to_powertools_rules() -> None:
    route = Route("get", "/api/v1/users/{userId}/roles/{role}")
    assert route.key == "GET /api/v1/users/{userId}/roles/{role}"
    assert route.rule == "/api/v1/users/<userId>/roles/<role>"
    assert route.match("GET", "/api/v1/users/u_1/roles/admin") == {"userId": "u_1", "role": "admin"}
    assert route.match("POST", "/api/v1/users/u_1/roles/admin") is None
    assert route.match("GET", "/api/v1/users/u_1/roles/admin/extra") is None


def test_auth_defaults_from_the_path() -> None:
    assert Route("GET", "/internal/users/x").auth is Auth.SERVICE
    assert Route("GET", "/api/v1/users/me").auth is Auth.USER
    assert Route("GET", "/internal/health", auth=Auth.PUBLIC).auth is Auth.PUBLIC


def test_subscription_patterns_are_seed_000s_and_become_eventbridge_patterns() -> None:
    sub = Subscription(("user.*", "tenant.created"))
    assert sub.matches("user.login")
    assert sub.matches("tenant.created")
    assert not sub.matches("tenant.updated")
    assert not sub.matches("userx.created")
    assert sub.event_pattern() == {
        "source": [{"prefix": "stratus."}],
        "detail-type": [{"prefix": "user."}, "tenant.created"],
    }


def test_schedule_expressions_are_checked_when_declared() -> None:
    Schedule("rate(5 minutes)")
    Schedule("cron(0 3 * * ? *)")
    with pytest.raises(ValueError, match="not a schedule"):
        Schedule("every day")


def _service(name: str, layer: Layer, *functions: Function, tables: tuple[Table, ...] = ()) -> Service:
    return Service(name=name, layer=layer, tables=tables, functions=functions)


def test_the_registry_accepts_downward_calls() -> None:
    registry = Registry(
        [
            _service(
                "gateway",
                Layer.APPLICATION,
                Function("login", Route("POST", "/api/v1/login"), calls=("auth",)),
            ),
            _service("auth", Layer.CORE, Function("check", Route("POST", "/internal/auth/check"))),
        ]
    )
    assert registry.problems() == []


@pytest.mark.parametrize(
    ("caller_layer", "callee_layer"),
    [(Layer.CORE, Layer.BUSINESS), (Layer.BUSINESS, Layer.BUSINESS)],
    ids=["upward", "sideways"],
)
def test_the_registry_refuses_upward_and_sideways_calls(caller_layer: Layer, callee_layer: Layer) -> None:
    registry = Registry(
        [
            _service("auth", caller_layer, Function("a", Route("POST", "/internal/a"), calls=("users",))),
            _service("users", callee_layer, Function("b", Route("POST", "/internal/b"))),
        ]
    )
    [problem] = registry.problems()
    assert "only lower layers may be called" in problem


def test_the_registry_refuses_unknown_callees_foreign_tables_and_duplicate_routes() -> None:
    registry = Registry(
        [
            _service(
                "files",
                Layer.APPLICATION,
                Function("a", Route("GET", "/api/v1/x"), calls=("nobody",), tables=("users",)),
                Function("b", Route("GET", "/api/v1/x")),
                tables=(Table("files"),),
            )
        ]
    )
    problems = "\n".join(registry.problems())
    assert "'nobody', which is not declared" in problems
    assert "table 'users', which files does not own" in problems
    assert "route GET /api/v1/x is already files-a's" in problems


def test_static_routes_win_over_parameters() -> None:
    registry = Registry(
        [
            _service(
                "users",
                Layer.BUSINESS,
                Function("get", Route("GET", "/api/v1/users/{userId}")),
                Function("me", Route("GET", "/api/v1/users/me")),
            )
        ]
    )
    match = registry.match("GET", "/api/v1/users/me")
    assert match is not None
    assert match.function.name == "me"


def test_a_service_may_call_itself_but_a_route_may_not_outlive_the_http_apis_timeout() -> None:
    # GIVEN a job that calls its own service's maintenance route, and a route declared with 60 s
    service = Service(
        "janitor",
        Layer.BUSINESS,
        functions=(
            Function("sweep-job", Schedule("rate(1 day)"), calls=("janitor",), timeout=300),
            Function("sweep", Route("POST", "/internal/maintenance/sweep", auth=Auth.SYSTEM), timeout=60),
        ),
    )
    # THEN only the route's timeout is a problem (API Gateway gives up after 30 s)
    assert Registry((service,)).problems() == [
        "janitor-sweep: timeout 60s is over the HTTP API's 29s; a route must answer within it"
    ]
