"""The service as declared: every function serves exactly its route, and internal ones demand a service
token whose audience is auth."""

from __future__ import annotations

import importlib
from types import ModuleType

import jwt
import pytest

from functions.auth import logout, pre_validate, system_token, tokens, verify_token
from functions.auth.manifest import SERVICE
from shared import access_tokens, service_token
from shared.access_tokens import AccessClaims
from shared.context import UserContext
from shared.declarations import Auth, Function, Route
from shared.registry import Registry
from tests.unit.functions.auth.conftest import call, error_of

INTERNAL = [pre_validate, tokens, verify_token, logout, system_token]


ROUTES = [fn for fn in SERVICE.functions if isinstance(fn.trigger, Route)]


def test_the_declarations_keep_the_rules_apart_from_the_callees_declared_elsewhere() -> None:
    assert Registry([SERVICE]).problems() == [
        "auth-logout: calls 'cache', which is not declared",
        "auth-purge-sessions-job: calls 'cache', which is not declared",
        "auth-purge-sessions-job: calls 'monitoring', which is not declared",
    ]


@pytest.mark.parametrize("fn", ROUTES, ids=lambda fn: fn.name)
def test_every_function_serves_exactly_its_declared_route(fn: Function) -> None:
    assert isinstance(fn.trigger, Route)
    module = importlib.import_module(fn.module)
    schema = module.app.get_openapi_schema()
    served = {(m.upper(), p) for p, ops in schema.paths.items() for m in ops.model_dump(exclude_none=True)}
    assert served == {(fn.trigger.method, fn.trigger.path)}


def test_only_the_jwks_is_public() -> None:
    public = [fn.name for fn in ROUTES if fn.route.auth is Auth.PUBLIC]
    assert public == ["jwks"]


@pytest.mark.parametrize("module", INTERNAL, ids=lambda m: m.__name__)
def test_an_internal_route_refuses_a_call_without_a_service_token(module: ModuleType) -> None:
    # GIVEN a caller with no service token, even one passing a user context along
    user = UserContext(user_id="u_1", tenant_id="acme-corp", permissions=("*",))
    result = call(module, {}, caller=None, user=user)
    # THEN 401 INVALID_TOKEN before the body is even looked at
    assert result["statusCode"] == 401
    assert error_of(result)["code"] == "INVALID_TOKEN"


@pytest.mark.parametrize("module", INTERNAL, ids=lambda m: m.__name__)
def test_an_internal_route_refuses_a_service_token_minted_for_another_service(module: ModuleType) -> None:
    token = service_token.issue("gateway", audience="users")
    result = call(module, {}, caller=None, headers={"x-service-token": token})
    assert result["statusCode"] == 401
    assert error_of(result)["code"] == "INVALID_TOKEN"


@pytest.mark.parametrize("module", INTERNAL, ids=lambda m: m.__name__)
def test_an_internal_route_refuses_a_forged_service_token(module: ModuleType) -> None:
    # GIVEN a token shaped like a service token but signed with a guessed secret
    forged = jwt.encode(
        {"iss": "stratus:gateway", "aud": "stratus:auth", "iat": 0, "exp": 9999999999},
        "a-guessed-secret-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )
    result = call(module, {}, caller=None, headers={"x-service-token": forged})
    assert result["statusCode"] == 401


@pytest.mark.parametrize("module", INTERNAL, ids=lambda m: m.__name__)
def test_an_internal_route_refuses_a_user_access_token_in_place_of_a_service_token(
    module: ModuleType,
) -> None:
    access, _ = access_tokens.issue(AccessClaims(sub="u_1", tenant_id="acme-corp", sid="s_1"))
    result = call(module, {}, caller=None, headers={"x-service-token": access})
    assert result["statusCode"] == 401
