"""The declared functions of a deployment, indexed: routes, subscribers, schedules, tables.

Adapters (WSGI monolith, functions-framework, the local runner) dispatch through it; the layering check
and the deployment generators read it. It is built from a list of `Service`s, so the kernel never
imports `functions/` (the catalog in `functions/catalog.py` hands the list over).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from shared.declarations import (
    KERNEL_TABLES,
    Authorizer,
    Function,
    Route,
    Schedule,
    Service,
    Subscription,
    Table,
)

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass(frozen=True)
class RouteMatch:
    function: Function
    path_params: dict[str, str]


# API Gateway HTTP APIs give up on an integration after 30 s; a route's function must finish before.
ROUTE_TIMEOUT_LIMIT = 29


class Registry:
    def __init__(self, services: Iterable[Service]) -> None:
        self.services: tuple[Service, ...] = tuple(services)
        self._handlers: dict[str, Handler] = {}

    # --- lookups -----------------------------------------------------------------------------------
    @cached_property
    def functions(self) -> dict[str, Function]:
        return {fn.qualified_name: fn for s in self.services for fn in s.functions}

    @cached_property
    def by_service(self) -> dict[str, Service]:
        return {s.name: s for s in self.services}

    def function(self, qualified_name: str) -> Function:
        try:
            return self.functions[qualified_name]
        except KeyError:
            known = ", ".join(sorted(self.functions))
            raise KeyError(f"no function named {qualified_name!r}; declared: {known}") from None

    @cached_property
    def http_functions(self) -> list[Function]:
        # Static paths first so `/users/me` wins over `/users/{userId}`, as on API Gateway.
        fns = [fn for fn in self.functions.values() if isinstance(fn.trigger, Route)]
        return sorted(fns, key=lambda fn: (len(fn.route.params), fn.route.path))

    @cached_property
    def subscribers(self) -> list[Function]:
        return [fn for fn in self.functions.values() if isinstance(fn.trigger, Subscription)]

    @cached_property
    def scheduled(self) -> list[Function]:
        return [fn for fn in self.functions.values() if isinstance(fn.trigger, Schedule)]

    @cached_property
    def authorizer(self) -> Function | None:
        found = [fn for fn in self.functions.values() if isinstance(fn.trigger, Authorizer)]
        return found[0] if found else None

    def tables(self) -> Iterator[Table]:
        yield from KERNEL_TABLES
        for service in self.services:
            yield from service.tables

    def routes_at(self, path: str) -> list[Function]:
        """Every function whose route serves `path`, whatever its method (for 405 `Allow` and CORS)."""
        return [fn for fn in self.http_functions if fn.route.match(fn.route.method, path) is not None]

    def match(self, method: str, path: str) -> RouteMatch | None:
        for fn in self.http_functions:
            params = fn.route.match(method, path)
            if params is not None:
                return RouteMatch(fn, params)
        return None

    def handler(self, fn: Function) -> Handler:
        """The function's entry point, imported on first use (as a cold start would)."""
        found = self._handlers.get(fn.qualified_name)
        if found is None:
            module = importlib.import_module(fn.module)
            found = self._handlers[fn.qualified_name] = module.handler
        return found

    # --- the rules a catalog must keep -------------------------------------------------------------
    def problems(self) -> list[str]:
        """Everything wrong with the declarations: duplicates, unknown tables, upward or sideways calls."""
        found: list[str] = []
        seen_names: set[str] = set()
        seen_routes: dict[str, str] = {}
        for service in self.services:
            own_tables = {t.name for t in service.tables}
            for fn in service.functions:
                if fn.qualified_name in seen_names:
                    found.append(f"{fn.qualified_name}: declared twice")
                seen_names.add(fn.qualified_name)
                if isinstance(fn.trigger, Route):
                    if fn.timeout > ROUTE_TIMEOUT_LIMIT:
                        found.append(
                            f"{fn.qualified_name}: timeout {fn.timeout}s is over the HTTP API's "
                            f"{ROUTE_TIMEOUT_LIMIT}s; a route must answer within it"
                        )
                    other = seen_routes.setdefault(fn.trigger.key, fn.qualified_name)
                    if other != fn.qualified_name:
                        found.append(f"{fn.qualified_name}: route {fn.trigger.key} is already {other}'s")
                found.extend(
                    f"{fn.qualified_name}: uses table {t!r}, which {service.name} does not own"
                    for t in fn.tables
                    if t not in own_tables
                )
                found.extend(self._call_problems(service, fn))
            subs = [fn for fn in service.functions if isinstance(fn.trigger, Subscription)]
            if len(subs) > 1:
                found.append(f"{service.name}: one subscriber per service (it has {len(subs)})")
        authorizers = sorted(
            fn.qualified_name for fn in self.functions.values() if isinstance(fn.trigger, Authorizer)
        )
        if len(authorizers) > 1:
            found.append(f"one authorizer per deployment (declared: {', '.join(authorizers)})")
        return found

    def _call_problems(self, service: Service, fn: Function) -> Iterator[str]:
        for callee in fn.calls:
            target = self.by_service.get(callee)
            if target is None:
                yield f"{fn.qualified_name}: calls {callee!r}, which is not declared"
            elif callee != service.name and target.layer >= service.layer:
                yield (
                    f"{fn.qualified_name}: calls {callee} ({target.layer.name.lower()}) from "
                    f"{service.layer.name.lower()}; only lower layers may be called"
                )
