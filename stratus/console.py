"""`/console/` on the local gateway: the web console (console/, Vue 3 + Vite), served from the build that
ships in this package (`stratus/console_assets/`, made by `npm run build` in console/; no Node at run time).

- `/console/assets/<file>`: the build's hashed scripts and styles (cached for a long time: a new build
  has new names);
- `/console/dev/mail`: locally only, the emails the emulator's SES recorded (`stratus mail`), for the
  console's "Sent mail" screen — a platform admin's token, checked by asking the gateway itself who the
  bearer is (`GET /api/v1/users/me`), so a revoked session or a tenant admin is refused as anywhere else;
- any other `/console/...` path: `index.html` (history-mode routing: the browser's router picks the
  screen), never cached so a new build is picked up at once.

On AWS the same files are static assets behind CloudFront (docs/console.md).
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from shared.adapters.gateway import error_response
from shared.adapters.wsgi import to_werkzeug_response
from shared.config import settings
from shared.context import Headers, new_id
from shared.errors import InvalidToken, MethodNotAllowed, NotFound, PermissionDenied, StratusError
from shared.permissions import PLATFORM_ADMIN_PERMISSION, allows

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CONSOLE_PATH = "/console"
MAIL_PATH = f"{CONSOLE_PATH}/dev/mail"
ASSETS = Path(__file__).resolve().parent / "console_assets"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".json": "application/json",
    ".map": "application/json",
}
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

MailReader = Callable[[], list[dict[str, Any]]]


class ConsoleSite:
    """WSGI middleware: answers `/console…`, hands every other request to the gateway."""

    def __init__(self, app: WSGIApplication, *, mail: MailReader | None = None, root: Path = ASSETS) -> None:
        self.app = app
        self.mail = mail
        self.root = root.resolve()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path != CONSOLE_PATH and not path.startswith(f"{CONSOLE_PATH}/"):
            return self.app(environ, start_response)
        request = Request(environ)
        try:
            response = self._answer(request, path)
        except StratusError as exc:
            response = _refused(exc, request)
        response.headers.update(_SECURITY_HEADERS)
        answered: Iterable[bytes] = response(environ, start_response)
        return answered

    def _answer(self, request: Request, path: str) -> Response:
        if request.method not in ("GET", "HEAD"):
            raise MethodNotAllowed(
                f"{request.method} is not allowed on {path}; use GET", headers={"Allow": "GET, HEAD"}
            )
        if path == CONSOLE_PATH:
            return Response(status=308, headers={"Location": f"{CONSOLE_PATH}/"})
        if path == MAIL_PATH:
            return self._mail(request)
        asset = self._asset(path.removeprefix(f"{CONSOLE_PATH}/"))
        if asset is not None:
            response = Response(asset.read_bytes(), content_type=_content_type(asset))
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            return response
        if path.startswith(f"{CONSOLE_PATH}/assets/"):  # a missing script is a 404, not the page
            raise NotFound(f"No console asset {path}")
        index = self.root / "index.html"
        if not index.is_file():
            raise NotFound("The console is not built: run `npm ci && npm run build` in console/")
        response = Response(index.read_bytes(), content_type=_TYPES[".html"])
        response.headers["Cache-Control"] = "no-cache"
        return response

    def _asset(self, relative: str) -> Path | None:
        """A file of the build, never one outside it (`..`, absolute paths) and never index.html itself."""
        if not relative or relative == "index.html":
            return None
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    def _mail(self, request: Request) -> Response:
        if self.mail is None:
            raise NotFound("Sent mail is shown by `stratus dev` only")
        self._require_platform_admin(request)
        body = json.dumps({"success": True, "data": self.mail()})
        response = Response(body, content_type="application/json")
        response.headers["Cache-Control"] = "no-store"
        return response

    def _require_platform_admin(self, request: Request) -> None:
        """Ask the gateway who the bearer is: the same authorizer as every route (revocation, suspension)."""
        authorization = request.headers.get("Authorization")
        if not authorization:
            raise InvalidToken("Missing bearer token")
        reply = Client(self.app).get(
            "/api/v1/users/me",
            headers={"Authorization": authorization},
            environ_base={"REMOTE_ADDR": request.remote_addr or "127.0.0.1"},
        )
        if reply.status_code != 200:
            raise InvalidToken("Invalid token")
        me = (reply.get_json(silent=True) or {}).get("data") or {}
        permissions = me.get("permissions") or []
        if me.get("tenantId") != settings().platform_tenant or not allows(
            permissions, PLATFORM_ADMIN_PERMISSION
        ):
            raise PermissionDenied("Requires a platform administrator")


def _content_type(path: Path) -> str:
    return _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _refused(exc: StratusError, request: Request) -> Response:
    """The platform's error envelope, as the gateway sends it."""
    request_id = request.headers.get(Headers.REQUEST_ID) or new_id("req_")
    return to_werkzeug_response(error_response(exc, request_id=request_id))
