"""`/docs` (issue 13.6): Swagger UI served from the package over the published documents — nothing from a
CDN, the internal document only to this machine, every other path left to the gateway."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from stratus.docs_page import DocsPage, assets


def gateway(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"the gateway"]


@pytest.fixture
def internal(tmp_path: Path) -> Path:
    path = tmp_path / "openapi.internal.json"
    path.write_text(json.dumps({"openapi": "3.1.0", "paths": {"/internal/x": {}}}))
    return path


def client(internal: Path) -> Client:
    """A browser on this machine (requests as from 127.0.0.1 unless the test says otherwise)."""
    page = DocsPage(gateway, internal_document=internal)

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")
        return page(environ, start_response)

    return Client(app)


def test_the_page_loads_only_files_it_serves_itself(internal: Path) -> None:
    # WHEN a browser on this machine opens /docs
    page = client(internal).get("/docs")
    # THEN it is HTML whose every script, stylesheet and icon is a local /docs/static/ file (no CDN)
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    linked = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert linked, html
    assert all(url.startswith("/docs/static/") for url in linked), linked
    assert "http://" not in html
    assert "https://" not in html
    assert "validatorUrl: null" in html  # Swagger UI would otherwise call validator.swagger.io
    # AND each of them is served, with its type
    types = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
    for url in linked:
        asset = client(internal).get(url)
        assert asset.status_code == 200, url
        assert asset.mimetype == types[Path(url).suffix]
        assert len(asset.get_data()) > 0
    assert {"swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"} <= set(assets())


def test_the_page_offers_the_public_document_and_locally_the_internal_one(internal: Path) -> None:
    html = client(internal).get("/docs").get_data(as_text=True)
    assert '"url": "/.well-known/openapi.json"' in html
    assert '"url": "/docs/openapi.internal.json"' in html
    served = client(internal).get("/docs/openapi.internal.json")
    assert served.status_code == 200
    assert json.loads(served.get_data())["paths"] == {"/internal/x": {}}


def test_a_client_on_another_machine_never_sees_the_internal_document(internal: Path) -> None:
    remote = {"REMOTE_ADDR": "203.0.113.7"}
    html = client(internal).get("/docs", environ_base=remote).get_data(as_text=True)
    assert "openapi.internal.json" not in html
    refused = client(internal).get("/docs/openapi.internal.json", environ_base=remote)
    assert refused.status_code == 404
    assert json.loads(refused.get_data())["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("path", ["/docs/static/../docs_page.py", "/docs/static/VERSION", "/docs/nope"])
def test_nothing_but_the_assets_is_served(internal: Path, path: str) -> None:
    answer = client(internal).get(path)
    assert answer.status_code == 404
    assert json.loads(answer.get_data())["success"] is False


def test_only_get_is_allowed_and_other_paths_go_to_the_gateway(internal: Path) -> None:
    posted = client(internal).post("/docs")
    assert posted.status_code == 405
    assert posted.headers["Allow"] == "GET, HEAD"
    assert json.loads(posted.get_data())["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert client(internal).get("/docsx").get_data() == b"the gateway"
    assert client(internal).get("/api/v1/users/me").get_data() == b"the gateway"
