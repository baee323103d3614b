"""Each service's typed client (`functions/<service>/client.py`) is its manifest's internal routes, no more
and no less: one method per SERVICE/SYSTEM route, named after the function, sending the handler's own
request model to the declared route and answering the handler's own response model. And a client loads
nothing of its service but the manifest and the models (a caller's cold start)."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel

from functions.catalog import SERVICES
from shared.declarations import Auth, Function, Route, Service
from shared.typed_client import TypedClient

ROOT = Path(__file__).resolve().parents[3]


def internal(service: Service) -> dict[str, Function]:
    """A platform service's internal routes (an app's one, its GraphQL read route, is the kernel's
    shared.app_graphql: no typed client, the platform never imports an app)."""
    return {
        fn.name: fn
        for fn in service.functions
        if isinstance(fn.trigger, Route)
        and fn.trigger.auth in (Auth.SERVICE, Auth.SYSTEM)
        and service.package == "functions"
    }


WITH_ROUTES = [s for s in SERVICES if internal(s)]
CALLS = [(s, fn) for s in WITH_ROUTES for name, fn in sorted(internal(s).items())]


def client_class(service: Service) -> type[TypedClient]:
    module = importlib.import_module(f"functions.{service.name}.client")
    [found] = [
        c
        for c in vars(module).values()
        if inspect.isclass(c) and issubclass(c, TypedClient) and c.__module__ == module.__name__
    ]
    return found


def methods(cls: type[TypedClient]) -> dict[str, Any]:
    return {n: f for n, f in vars(cls).items() if inspect.isfunction(f) and not n.startswith("_")}


def test_every_service_with_internal_routes_has_a_client_and_no_other_does() -> None:
    have = sorted(p.parent.name for p in (ROOT / "functions").glob("*/client.py"))
    assert have == sorted(s.name for s in WITH_ROUTES)


@pytest.mark.parametrize("service", WITH_ROUTES, ids=lambda s: s.name)
def test_a_client_has_one_method_per_internal_route_and_nothing_else(service: Service) -> None:
    cls = client_class(service)
    assert cls.callee is service
    routes = {name.replace("-", "_") for name in internal(service)}
    left_out = {name.replace("-", "_") for name in cls.not_called}
    assert left_out <= routes, "not_called names a function that is not an internal route"
    assert sorted(methods(cls)) == sorted(routes - left_out)


def handler_function(fn: Function) -> Any:
    module: ModuleType = importlib.import_module(fn.module)
    return getattr(module, fn.name.replace("-", "_"))


def handler_shape(fn: Function) -> tuple[Any, type[BaseModel] | None, set[str]]:
    """The handler's response model, body model and query parameter names (as sent)."""
    hints = typing.get_type_hints(handler_function(fn), include_extras=True)
    answer = hints.pop("return")
    body, query = None, set()
    for name, hint in hints.items():
        if inspect.isclass(hint) and issubclass(hint, BaseModel):
            body = hint
        elif name not in fn.route.params:
            [param] = [m for m in typing.get_args(hint)[1:] if isinstance(m, Query)]
            query.add(param.alias or name)
    return answer, body, query


class Sent:
    """Stands in for `TypedClient._send`: keeps what a method asked for."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(
        self,
        function: str,
        answer: type[BaseModel],
        body: BaseModel | None = None,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
        system_token: str | None = None,
    ) -> BaseModel:
        self.calls.append(
            {
                "function": function,
                "answer": answer,
                "body": body,
                "path": path or {},
                "query": query or {},
                "system_token": system_token,
            }
        )
        return answer.model_construct()


def sample(hint: Any) -> Any:
    if inspect.isclass(hint) and issubclass(hint, BaseModel):
        return hint.model_construct()
    options = typing.get_args(hint) or (hint,)
    for kind, value in ((str, "x"), (bool, True), (int, 1)):
        if kind in options:
            return value
    raise AssertionError(f"no sample for {hint}")


@pytest.mark.parametrize(("service", "fn"), CALLS, ids=lambda v: getattr(v, "qualified_name", ""))
def test_a_method_sends_the_handlers_models_to_its_declared_route(service: Service, fn: Function) -> None:
    cls = client_class(service)
    if fn.name in cls.not_called:
        pytest.skip(f"{fn.qualified_name}: {cls.not_called[fn.name]}")
    method = methods(cls)[fn.name.replace("-", "_")]
    answer, body, query = handler_shape(fn)

    # Its docstring says the route and where it is handled (go-to-definition lands in the callee).
    doc = inspect.getdoc(method) or ""
    assert doc.startswith(f"`{fn.route.key}`")
    assert f"Handled by {fn.module.replace('.', '/')}.py." in doc
    # Its signature takes and returns the handler's own models.
    hints = typing.get_type_hints(method)
    assert hints.pop("return") is answer
    assert [h for h in hints.values() if inspect.isclass(h) and issubclass(h, BaseModel)] == (
        [body] if body else []
    )
    # And calling it sends exactly the declared function's inputs.
    client = cls(service)
    sent = Sent()
    client._send = sent  # type: ignore[method-assign]
    signature = inspect.signature(method)
    args = {name: sample(hints[name]) for name in list(signature.parameters)[1:]}
    positional = [
        args.pop(p.name)
        for p in signature.parameters.values()
        if p.kind is p.POSITIONAL_OR_KEYWORD and p.name in args
    ]
    method(client, *positional, **args)
    [call] = sent.calls
    assert call["function"] == fn.name
    assert call["answer"] is answer
    assert (type(call["body"]) if call["body"] is not None else None) is body
    assert set(call["path"]) == set(fn.route.params)
    assert set(call["query"]) == query
    assert (call["system_token"] is not None) == (fn.route.auth is Auth.SYSTEM)


def test_a_client_loads_no_handler_store_or_aws_library_of_its_service() -> None:
    clients = [f"functions.{s.name}.client" for s in WITH_ROUTES]
    script = (
        "import importlib, json, sys\n"
        f"for name in {clients!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = set(
        json.loads(
            subprocess.run(
                [sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True
            ).stdout
        )
    )
    handlers = {fn.module for s in SERVICES for fn in s.functions}
    stores = {m for m in loaded if m.endswith(".store")}
    heavy = {
        "pynamodb",
        "boto3",
        "botocore",
        "aws_lambda_powertools",
        "jwt",
        "shared.http_app",
        "shared.tables",
    }
    assert loaded & handlers == set()
    assert stores == set()
    assert loaded & heavy == set()
