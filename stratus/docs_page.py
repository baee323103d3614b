"""`/docs` on the local gateway: the API docs a person reads — Swagger UI over the published OpenAPI
documents, served from files shipped in this package (`stratus/static/swagger-ui/`, swagger-ui-dist from
npm; no CDN, nothing fetched at run time).

- `/docs`: the page; its selector shows the public API (`/.well-known/openapi.json`, which the platform
  serves everywhere) and, to a client on this machine, the internal routes (`/docs/openapi.internal.json`,
  docs/openapi.internal.json: service-token only, for the platform's own engineers);
- `/docs/static/<file>`: Swagger UI's script, preset, stylesheet and icon.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from shared.adapters.gateway import error_response
from shared.adapters.wsgi import to_werkzeug_response
from shared.context import Headers, new_id
from shared.errors import MethodNotAllowed, NotFound, StratusError
from stratus.openapi import INTERNAL_DOCUMENT

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

DOCS_PATH = "/docs"
STATIC = Path(__file__).resolve().parent / "static" / "swagger-ui"
PUBLIC_DOCUMENT_URL = "/.well-known/openapi.json"
INTERNAL_DOCUMENT_URL = f"{DOCS_PATH}/openapi.internal.json"
_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
_SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Stratus API</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" type="image/png" href="{docs}/static/favicon-32x32.png">
  <link rel="stylesheet" href="{docs}/static/swagger-ui.css">
  <style>body {{ margin: 0; }} .topbar .download-url-wrapper input {{ display: none; }}</style>
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{docs}/static/swagger-ui-bundle.js"></script>
  <script src="{docs}/static/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      urls: {urls},
      "urls.primaryName": "public API",
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
      validatorUrl: null,
      persistAuthorization: true,
      displayRequestDuration: true,
      defaultModelsExpandDepth: 0,
      docExpansion: "list",
      tryItOutEnabled: false
    }});
  </script>
</body>
</html>
"""


def assets() -> list[str]:
    return sorted(p.name for p in STATIC.iterdir() if p.suffix in _TYPES)


class DocsPage:
    """WSGI middleware: answers `/docs…`, hands every other request to the gateway."""

    def __init__(self, app: WSGIApplication, *, internal_document: Path = INTERNAL_DOCUMENT) -> None:
        self.app = app
        self.internal_document = internal_document
        self._assets = {name: STATIC / name for name in assets()}

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path != DOCS_PATH and not path.startswith(f"{DOCS_PATH}/"):
            return self.app(environ, start_response)
        response = self._answer(Request(environ), path)
        response.headers.update(_SECURITY_HEADERS)
        answered: Iterable[bytes] = response(environ, start_response)
        return answered

    def _answer(self, request: Request, path: str) -> Response:
        if request.method not in ("GET", "HEAD"):
            refusal = f"{request.method} is not allowed on {path}; use GET"
            return _refused(MethodNotAllowed(refusal, headers={"Allow": "GET, HEAD"}), request)
        local = _is_loopback(request.remote_addr or "")
        if path in (DOCS_PATH, f"{DOCS_PATH}/"):
            return Response(self.page(internal=local), mimetype="text/html")
        if path == INTERNAL_DOCUMENT_URL and local and self.internal_document.is_file():
            return Response(self.internal_document.read_bytes(), mimetype="application/json")
        name = path.removeprefix(f"{DOCS_PATH}/static/")
        asset = self._assets.get(name) if name != path else None
        if asset is None:
            return _refused(NotFound(f"No route for GET {path}"), request)
        response = Response(asset.read_bytes(), content_type=_TYPES[asset.suffix])
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response

    def page(self, *, internal: bool) -> str:
        urls = [{"url": PUBLIC_DOCUMENT_URL, "name": "public API"}]
        if internal and self.internal_document.is_file():
            urls.append({"url": INTERNAL_DOCUMENT_URL, "name": "internal routes (service token only)"})
        return PAGE.format(docs=DOCS_PATH, urls=json.dumps(urls))


def _refused(exc: StratusError, request: Request) -> Response:
    """The platform's error envelope, as the gateway sends it."""
    request_id = request.headers.get(Headers.REQUEST_ID) or new_id("req_")
    return to_werkzeug_response(error_response(exc, request_id=request_id))


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
