"""`stratus app serve-example`: a tiny external app, what an app author writes against the platform —
the standard library's HTTP server on loopback, PyJWT for the platform's app tokens, and the kernel's
`shared.webhooks.verify` for its webhooks.

On start it registers itself with the platform (as a platform admin), then heartbeats every 30 s. It
exposes, through `/api/v1/apps/<name>/...`:
- `GET /hello` (`requiredPermission: user.read`): who is asking, from the verified app token;
- `GET /status` (public): that it is up, and for which tenant.
Every request must carry the platform's app token (`Authorization: Bearer`, RS256, audience = its name,
checked against the platform's JWKS); anything else — no token, a forged one, an expired one, another
app's — is 401. `POST /webhooks` receives the events it subscribed to, refusing any whose Standard
Webhooks signature does not verify. On stop it deregisters.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from shared import access_tokens, webhooks
from shared.context import UserContext
from shared.errors import InvalidToken, StratusError

Log = Callable[[str], None]
ENDPOINTS = [
    {"method": "GET", "path": "/hello", "requiredPermission": "user.read"},
    {"method": "GET", "path": "/status", "public": True},
]


def call(
    url: str, method: str = "GET", body: Any = None, token: str | None = None, timeout: float = 10
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - the platform's URL
            raw, status = answer.read(), answer.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    return status, json.loads(raw) if raw else None


@dataclass
class ExampleApp:
    platform: str  # the platform's base URL, e.g. http://127.0.0.1:3000
    admin_token: str | None = None
    email: str | None = None
    password: str | None = None
    name: str = "example"
    host: str = "127.0.0.1"
    port: int = 0
    heartbeat_every: float = 30.0
    events: tuple[str, ...] = ("tenant.*", "user.*")
    log: Log = print
    # What it saw (tests read these): verified webhooks, refused requests, the answer it gives to webhooks.
    received: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    webhook_status: int = 204
    registration: dict[str, Any] = field(default_factory=dict)
    heartbeating: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _jwks: dict[str, Any] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- lifecycle ---------------------------------------------------------------------------------------
    def start(self) -> ExampleApp:
        self._server = ThreadingHTTPServer((self.host, self.port), _handler_for(self))
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, name="example-app", daemon=True).start()
        self.register()
        self.heartbeating.set()
        threading.Thread(target=self._heartbeats, name="example-app-heartbeat", daemon=True).start()
        self.log(f"example app  {self.url}  as /api/v1/apps/{self.name}/  ({self.registration['serviceId']})")
        return self

    def stop(self, *, deregister: bool = True) -> None:
        self._stop.set()
        if deregister and self.registration:
            status, _ = call(
                f"{self.platform}/api/v1/registry/services/{self.registration['serviceId']}/deregister",
                "POST",
                token=self.registration["registrationToken"],
            )
            self.log(f"deregistered ({status})")
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def register(self) -> dict[str, Any]:
        token = self.admin_token or self._login()
        body = {
            "name": self.name,
            "displayName": "Example app",
            "version": "1.0.0",
            "baseUrl": self.url,
            "endpoints": ENDPOINTS,
            "events": list(self.events),
            "webhookUrl": f"{self.url}/webhooks",
        }
        status, reply = call(f"{self.platform}/api/v1/registry/services", "POST", body, token=token)
        if status != 201:
            raise RuntimeError(f"registration refused ({status}): {reply}")
        self.registration = reply["data"]
        return self.registration

    def _login(self) -> str:
        if not (self.email and self.password):
            raise RuntimeError("a platform admin's token, or email and password, is required to register")
        body = {"email": self.email, "password": self.password, "tenantId": "platform"}
        status, reply = call(f"{self.platform}/api/v1/auth/login", "POST", body)
        if status != 200:
            raise RuntimeError(f"platform admin login refused ({status}): {reply}")
        return str(reply["data"]["accessToken"])

    def heartbeat(self) -> int:
        status, _ = call(
            f"{self.platform}/api/v1/registry/heartbeat",
            "POST",
            {"version": "1.0.0"},
            token=self.registration["registrationToken"],
        )
        return status

    def _heartbeats(self) -> None:
        while not self._stop.wait(self.heartbeat_every):
            if not self.heartbeating.is_set():
                continue
            try:
                status = self.heartbeat()
            except OSError as exc:
                self.log(f"! heartbeat failed: {exc}")
                continue
            if status != 200:
                self.log(f"! heartbeat refused ({status})")

    # --- what arrives ------------------------------------------------------------------------------------
    def jwks(self, refresh: bool = False) -> dict[str, Any]:
        if self._jwks is None or refresh:
            with urllib.request.urlopen(f"{self.platform}/.well-known/jwks.json", timeout=10) as answer:  # noqa: S310
                self._jwks = json.loads(answer.read())
        return self._jwks

    def verify(self, authorization: str | None) -> access_tokens.AppClaims:
        """The platform's app token for this app, or StratusError (401)."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise InvalidToken("An app token is required")
        try:
            return access_tokens.verify_app(token.strip(), self.name, self.jwks())
        except InvalidToken:  # a key rotated since the JWKS was read: read it once more
            return access_tokens.verify_app(token.strip(), self.name, self.jwks(refresh=True))


def _handler_for(app: ExampleApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: Any) -> None:  # quiet: the platform logs the requests
            return

        def _send(self, status: int, body: Any) -> None:
            raw = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            if raw:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            try:
                claims = app.verify(self.headers.get("Authorization"))
            except StratusError as exc:
                app.refused.append(exc.message)
                self._send(401, {"error": exc.message})
                return
            if self.headers.get("X-Tenant-ID") != claims.tenant_id:
                app.refused.append("X-Tenant-ID is not the token's tenant")
                self._send(403, {"error": "X-Tenant-ID is not the token's tenant"})
                return
            path = self.path.split("?", 1)[0]
            if path == "/status":
                self._send(200, {"status": "up", "app": app.name, "tenantId": claims.tenant_id})
                return
            if path != "/hello":
                self._send(404, {"error": f"no {path}"})
                return
            context = self.headers.get("X-User-Context")
            user = UserContext.from_header(context) if context else None
            self._send(
                200,
                {
                    "message": f"hello from {app.name}",
                    "subject": claims.sub,
                    "tenantId": claims.tenant_id,
                    "permissions": list(claims.permissions),
                    "userContext": user.model_dump(by_alias=True) if user else None,
                    "requestId": self.headers.get("X-Request-ID"),
                },
            )

        def do_POST(self) -> None:
            if self.path != "/webhooks":
                self._send(404, {"error": f"no {self.path}"})
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            secret = app.registration.get("webhookSecret", "")
            try:
                webhooks.verify(dict(self.headers.items()), body, secret)
            except webhooks.WebhookVerificationError as exc:
                app.refused.append(f"webhook: {exc}")
                self._send(401, {"error": str(exc)})
                return
            if app.webhook_status >= 300:
                self._send(app.webhook_status, {"error": "refused on purpose"})
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            app.received.append({"headers": headers, "event": json.loads(body)})
            self._send(app.webhook_status, None)

    return Handler


def serve(app: ExampleApp) -> int:
    """Run until interrupted; deregister on the way out."""
    app.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        app.stop()
    return 0
