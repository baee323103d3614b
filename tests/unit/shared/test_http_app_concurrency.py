"""One HttpApp serves many requests at once (the local runner's threads, a warm container's nested
in-process calls): each request's validated body reaches its own handler.

Powertools keeps the validated route arguments in a dict on the resolver (`app.context`), shared by every
request the instance is resolving; this is what once made two concurrent creates of *different* emails
come out as one user and a 409 (tests/unit/functions/users/test_concurrency.py).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Response
from pydantic import BaseModel

from shared.adapters.lambda_events import LocalContext, http_event
from shared.http_app import HttpApp
from tests.fixtures.echo.manifest import SERVICE

WAIT = 5.0


class Named(BaseModel):
    name: str


def build_app() -> tuple[HttpApp, threading.Event, threading.Event]:
    """An echo app whose request "first" pauses after validation until "second" has reached its handler,
    and whose "second" handler waits until "first" has finished: the interleaving that swaps bodies."""
    app = HttpApp(SERVICE.function("create"))
    second_in_handler, first_done = threading.Event(), threading.Event()

    def pause_first(app: HttpApp, next_middleware: Callable[[HttpApp], Response[Any]]) -> Response[Any]:
        if json.loads(app.current_event.body or "{}").get("name") == "first":
            assert second_in_handler.wait(WAIT)
        return next_middleware(app)

    app.use(middlewares=[pause_first])

    @app.endpoint
    def create(body: Named) -> Named:
        if body.name == "second":
            second_in_handler.set()
            first_done.wait(WAIT)
        return body

    return app, second_in_handler, first_done


def test_concurrent_requests_each_reach_their_handler_with_their_own_body() -> None:
    # GIVEN one app, and request "first" validated but not yet handled when "second" is validated
    app, _second_in_handler, first_done = build_app()

    def send(name: str) -> Any:
        event = http_event("POST", "/api/v1/echo/items", body=json.dumps({"name": name}))
        try:
            return json.loads(app.resolve(event, LocalContext("echo"))["body"])
        finally:
            if name == "first":
                first_done.set()

    # WHEN both run at once
    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(send, ["first", "second"])
    # THEN each handler saw the body of its own request
    assert first["data"] == {"name": "first"}
    assert second["data"] == {"name": "second"}
