"""Hot reload (issue 13.4): an edited function module answers the next request, with no restart — through
the same gateway and WSGI app `stratus dev` serves, driven in-process."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.test import Client

from shared.adapters.gateway import Gateway
from shared.adapters.wsgi import WsgiApp
from shared.registry import Registry
from stratus.reload import Reloader, Reloading

MANIFEST = """
from shared.declarations import Auth, Function, Layer, Route, Service

SERVICE = Service(
    name="hot",
    layer=Layer.BUSINESS,
    functions=(Function("greet", Route("GET", "/api/v1/hot/greet", auth=Auth.PUBLIC), package="{pkg}"),),
)
"""
HANDLER = """
from typing import Any

from shared.http_app import HttpApp
from {pkg}.hot import words
from {pkg}.hot.manifest import SERVICE

app = HttpApp(SERVICE.function("greet"))


@app.endpoint
def greet() -> dict[str, str]:
    return {{"greeting": words.GREETING, "by": "{by}"}}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
"""


@pytest.fixture
def service(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, Path]]:
    """A throwaway service package `<pkg>.hot` on sys.path: a route whose answer comes from two modules."""
    pkg = f"hotpkg_{request.node.name[-12:].replace('[', '_').replace(']', '_')}_{os.getpid()}"
    root = tmp_path / pkg / "hot"
    root.mkdir(parents=True)
    (tmp_path / pkg / "__init__.py").write_text("")
    (root / "__init__.py").write_text("")
    (root / "manifest.py").write_text(MANIFEST.format(pkg=pkg))
    (root / "greet.py").write_text(HANDLER.format(pkg=pkg, by="first"))
    (root / "words.py").write_text('GREETING = "hello"\n')
    sys.path.insert(0, str(tmp_path))
    yield pkg, root
    sys.path.remove(str(tmp_path))
    for name in [n for n in sys.modules if n == pkg or n.startswith(f"{pkg}.")]:
        del sys.modules[name]


def edit(path: Path, text: str) -> None:
    """Save a file as an editor would: new content, a later modification time."""
    path.write_text(text)
    later = time.time() + 2
    os.utime(path, (later, later))


def serve(pkg: str) -> tuple[Client, Reloader, list[str]]:
    manifest = __import__(f"{pkg}.hot.manifest", fromlist=["SERVICE"])
    registry = Registry([manifest.SERVICE])
    logged: list[str] = []
    reloader = Reloader(registry, log=logged.append, interval=0)
    return Client(Reloading(WsgiApp(Gateway(registry)), reloader)), reloader, logged


def greet(client: Client) -> dict[str, str]:
    response = client.get("/api/v1/hot/greet")
    assert response.status_code == 200, response.get_data(as_text=True)
    data: dict[str, str] = json.loads(response.get_data())["data"]
    return data


def test_an_edited_handler_module_answers_the_next_request(service: tuple[str, Path]) -> None:
    # GIVEN the platform serving a function
    pkg, root = service
    client, reloader, logged = serve(pkg)
    assert greet(client) == {"greeting": "hello", "by": "first"}
    # WHEN its module is edited
    edit(root / "greet.py", HANDLER.format(pkg=pkg, by="second edit"))
    # THEN the very next request runs the new code, and the reload is logged
    assert greet(client) == {"greeting": "hello", "by": "second edit"}
    assert reloader.reloads == 1
    assert f"{pkg}.hot.greet" in logged[0]


def test_an_edited_domain_module_reaches_the_handlers_that_import_it(service: tuple[str, Path]) -> None:
    # GIVEN a handler that imported a domain module
    pkg, root = service
    client, _, _ = serve(pkg)
    assert greet(client)["greeting"] == "hello"
    # WHEN only the domain module is edited
    edit(root / "words.py", 'GREETING = "good morning"\n')
    # THEN the handler that holds it is loaded afresh too
    assert greet(client)["greeting"] == "good morning"
    # AND an unchanged tree reloads nothing
    assert greet(client)["greeting"] == "good morning"


def test_the_manifest_and_the_kernel_are_not_reloaded(service: tuple[str, Path]) -> None:
    pkg, _ = service
    _, reloader, _ = serve(pkg)
    assert reloader.reloadable(f"{pkg}.hot.greet")
    assert not reloader.reloadable(f"{pkg}.hot.manifest")  # routes are read at start: a restart
    assert not reloader.reloadable(f"{pkg}.hot")
    assert not reloader.reloadable("shared.http_app")
    assert not reloader.reloadable("stratus.local")
