"""`/console/` (stratus/console.py): the console's build served from the package — history-mode routing,
content types, caching — and the local-only sent-mail list, for platform admins only."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from stratus.console import ASSETS, ConsoleSite

INDEX = "<!doctype html><title>Stratus console</title>"
ME = {
    "Bearer platform-admin": {"tenantId": "platform", "permissions": ["*"]},
    "Bearer tenant-admin": {"tenantId": "acme", "permissions": ["*"]},
}
MAIL = [
    {"messageId": "m1", "from": "no-reply@stratus.local", "to": ["a@x.example"], "subject": "Hi", "body": "."}
]


def gateway(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """The gateway's `GET /api/v1/users/me` for two known tokens (401 otherwise); anything else is its own."""
    if environ["PATH_INFO"] == "/api/v1/users/me":
        me = ME.get(environ.get("HTTP_AUTHORIZATION", ""))
        if me is None:
            start_response("401 Unauthorized", [("Content-Type", "application/json")])
            return [b'{"success": false, "error": {"code": "INVALID_TOKEN"}}']
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"success": True, "data": me}).encode()]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"the gateway"]


@pytest.fixture
def build(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    (tmp_path / "assets" / "index-abc123.css").write_text("body{}")
    (tmp_path.parent / "secret.txt").write_text("outside the build")
    return tmp_path


def client(build: Path, *, mail: bool = True) -> Client:
    return Client(ConsoleSite(gateway, mail=(lambda: MAIL) if mail else None, root=build))


@pytest.mark.parametrize(
    "path", ["/console/", "/console/tenants", "/console/users/u_1/roles", "/console/sign-in"]
)
def test_every_screen_path_is_the_page_never_cached(build: Path, path: str) -> None:
    # WHEN a browser opens a screen's address directly (a bookmark, a reload)
    page = client(build).get(path)
    # THEN it gets index.html, whose router picks the screen; never cached so a new build shows at once
    assert page.status_code == 200
    assert page.get_data(as_text=True) == INDEX
    assert page.content_type == "text/html; charset=utf-8"
    assert page.headers["Cache-Control"] == "no-cache"
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_assets_come_with_their_content_type_and_a_long_cache(build: Path) -> None:
    script = client(build).get("/console/assets/index-abc123.js")
    style = client(build).get("/console/assets/index-abc123.css")
    assert (script.status_code, script.content_type) == (200, "text/javascript; charset=utf-8")
    assert (style.status_code, style.content_type) == (200, "text/css; charset=utf-8")
    assert "immutable" in script.headers["Cache-Control"]


def test_a_missing_asset_is_a_404_envelope_not_the_page(build: Path) -> None:
    reply = client(build).get("/console/assets/gone-123.js")
    assert reply.status_code == 404
    assert reply.get_json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "path", ["/console/../secret.txt", "/console/%2e%2e/secret.txt", "/console//etc/passwd"]
)
def test_nothing_outside_the_build_is_served(build: Path, path: str) -> None:
    reply = client(build).get(path)
    assert b"outside the build" not in reply.get_data()
    assert b"root:" not in reply.get_data()


def test_console_without_the_slash_redirects_and_other_paths_go_to_the_gateway(build: Path) -> None:
    assert client(build).get("/console").headers["Location"] == "/console/"
    assert client(build).get("/consoles").get_data() == b"the gateway"
    assert client(build).get("/api/v1/tenants").get_data() == b"the gateway"


def test_a_write_is_refused_with_405(build: Path) -> None:
    reply = client(build).post("/console/tenants")
    assert reply.status_code == 405
    assert reply.get_json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_the_sent_mail_is_for_platform_admins_only(build: Path) -> None:
    # GIVEN the local platform's mail reader
    site = client(build)
    # WHEN a platform admin asks THEN the mail is the envelope's data
    ok = site.get("/console/dev/mail", headers={"Authorization": "Bearer platform-admin"})
    assert ok.status_code == 200
    assert ok.get_json() == {"success": True, "data": MAIL}
    # WHEN anyone else asks THEN it is refused with the platform's error envelope
    tenant_admin = site.get("/console/dev/mail", headers={"Authorization": "Bearer tenant-admin"})
    assert tenant_admin.status_code == 403
    assert tenant_admin.get_json()["error"]["code"] == "PERMISSION_DENIED"
    for headers in ({}, {"Authorization": "Bearer forged"}):
        refused = site.get("/console/dev/mail", headers=headers)
        assert refused.status_code == 401
        assert refused.get_json()["error"]["code"] == "INVALID_TOKEN"


def test_the_sent_mail_is_absent_where_there_is_no_emulator(build: Path) -> None:
    reply = client(build, mail=False).get(
        "/console/dev/mail", headers={"Authorization": "Bearer platform-admin"}
    )
    assert reply.status_code == 404


def test_the_package_ships_a_built_console() -> None:
    html = (ASSETS / "index.html").read_text()
    assert '<div id="app">' in html
    assert "/console/assets/" in html
