"""Settings read once per container from the environment.

Every name a deployment sets lives here, so a function never reads `os.environ` itself.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _csv(name: str) -> tuple[str, ...]:
    """A comma-separated setting, blanks dropped."""
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    stage: str = "dev"
    region: str = "us-east-1"
    # None on AWS; the emulator's URL locally (moto server or LocalStack).
    endpoint_url: str | None = None
    # Resource names are `<prefix>-<logical name>`; the prefix defaults to `stratus-<stage>`.
    resource_prefix: str = "stratus-dev"
    bus_name: str = "stratus-dev-bus"
    bucket_name: str = "stratus-dev-files"
    # Signs service tokens (HS256). On AWS it comes from a secret; elsewhere, unless one is given, a random
    # one per process (see `_service_token_secret`) — never a constant anyone could read in this code.
    service_token_secret: str = field(default="", repr=False)
    service_token_ttl_seconds: int = 60
    max_body_bytes: int = 1_048_576
    # Browser origins the gateways answer CORS for (`shared.adapters.cors`); none unless configured.
    cors_origins: tuple[str, ...] = ()
    # The gateway base URL, for the service client's HTTP transport.
    gateway_url: str | None = None
    # How service-to-service calls travel (shared.service_client.default_transport): `lambda` (Lambda
    # Invoke of the callee's function: both AWS deployments), `http` (through `gateway_url`), or
    # `inprocess` (the process installed an in-process transport at start-up: the local runner, the
    # monolith's HTTP function).
    internal_transport: str = "http"
    # Deployed function names are `<function_prefix>-<service>-<function>` (both deployments set it).
    function_prefix: str = "stratus-dev"
    # When one function serves every internal route (the monolith), Lambda Invoke targets it instead.
    internal_function: str | None = None
    # The bearer a Prometheus server scrapes `/internal/metrics` with (per stage; a secret on AWS, kept in
    # `.stratus/secrets.json` locally). Empty: only service tokens are accepted there.
    metrics_token: str = field(default="", repr=False)
    events_dir: Path = _REPO_ROOT / "events"
    # Logical names of every table of the deployment (the health check describes each).
    tables: tuple[str, ...] = ()
    # Access tokens: RS256 with the active key (PEM) and its kid; earlier keys' public JWKS verify too.
    jwt_private_key: str | None = field(default=None, repr=False)
    jwt_kid: str = "stratus-1"
    jwt_previous_jwks: str | None = None
    # Functions that only verify tokens get the public keys, never the private one.
    jwt_public_jwks: str | None = None
    access_token_ttl_seconds: int = 1800
    refresh_token_ttl_seconds: int = 7 * 24 * 3600
    # The reserved tenant of platform admins.
    platform_tenant: str = "platform"
    api_version: str = "v1"
    # The sender of every email (an SES identity of the deployment; provisioned locally).
    mail_from: str = "no-reply@stratus.local"
    # Who else hears about failed jobs, beside the platform admins (email only).
    alert_emails: tuple[str, ...] = ()
    # Upload content types (comma-separated, a trailing * allowed); empty: the files service's defaults.
    file_types: tuple[str, ...] = ()
    # Peppers the HMAC-SHA256 of stored secrets (API keys, app registration tokens and client secrets) and
    # derives webhook signing secrets (`shared.peppered`). Per stage, from a secret on AWS; when not given,
    # derived from the service-token secret (so `stratus dev`'s state keeps it across restarts).
    secret_pepper: str = field(default="", repr=False)
    # Apps (functions/registry): inactive after this long without a heartbeat; how long the platform waits
    # for an external app's answer (under HTTP API's 30 s integration limit); webhook retry backoff base.
    app_heartbeat_ttl_seconds: int = 300
    app_timeout_seconds: float = 27.0
    webhook_backoff_seconds: int = 30
    # Real-time push (functions/realtime): the WebSocket API's management endpoint (PostToConnection;
    # `https://<api>.execute-api.<region>.amazonaws.com/<stage>`, locally the gateway's stand-in), and how
    # long a new connection may stay without an `auth` message.
    ws_endpoint: str | None = None
    ws_auth_timeout_seconds: float = 10.0

    def table_name(self, logical: str) -> str:
        return f"{self.resource_prefix}-{logical}"

    def queue_name(self, service: str) -> str:
        return f"{self.resource_prefix}-{service}-events"

    def dlq_name(self, service: str) -> str:
        return f"{self.resource_prefix}-{service}-events-dlq"

    def function_name(self, name: str) -> str:
        return f"{self.function_prefix}-{name}"

    @classmethod
    def from_env(cls) -> Settings:
        stage = os.environ.get("STRATUS_STAGE", "dev")
        prefix = os.environ.get("STRATUS_RESOURCE_PREFIX", f"stratus-{stage}")
        return cls(
            stage=stage,
            region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
            endpoint_url=os.environ.get("STRATUS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL") or None,
            resource_prefix=prefix,
            bus_name=os.environ.get("STRATUS_BUS_NAME", f"{prefix}-bus"),
            bucket_name=os.environ.get("STRATUS_BUCKET_NAME", f"{prefix}-files"),
            service_token_secret=_service_token_secret(),
            service_token_ttl_seconds=_int("STRATUS_SERVICE_TOKEN_TTL", 60),
            max_body_bytes=_int("STRATUS_MAX_BODY_BYTES", 1_048_576),
            cors_origins=tuple(
                o.strip() for o in os.environ.get("STRATUS_CORS_ORIGINS", "").split(",") if o.strip()
            ),
            gateway_url=os.environ.get("STRATUS_GATEWAY_URL") or None,
            internal_transport=(os.environ.get("STRATUS_INTERNAL_TRANSPORT") or "http").lower(),
            function_prefix=os.environ.get("STRATUS_FUNCTION_PREFIX") or prefix,
            internal_function=os.environ.get("STRATUS_INTERNAL_FUNCTION") or None,
            metrics_token=os.environ.get("STRATUS_METRICS_TOKEN", ""),
            events_dir=Path(os.environ.get("STRATUS_EVENTS_DIR", str(_REPO_ROOT / "events"))),
            tables=tuple(t for t in os.environ.get("STRATUS_TABLES", "").split(",") if t),
            jwt_private_key=os.environ.get("STRATUS_JWT_PRIVATE_KEY") or None,
            jwt_kid=os.environ.get("STRATUS_JWT_KID", "stratus-1"),
            jwt_previous_jwks=os.environ.get("STRATUS_JWT_PREVIOUS_JWKS") or None,
            jwt_public_jwks=os.environ.get("STRATUS_JWT_PUBLIC_JWKS") or None,
            access_token_ttl_seconds=_int("STRATUS_ACCESS_TOKEN_TTL", 1800),
            refresh_token_ttl_seconds=_int("STRATUS_REFRESH_TOKEN_TTL", 7 * 24 * 3600),
            mail_from=os.environ.get("STRATUS_MAIL_FROM", cls.mail_from),
            file_types=tuple(t.lower() for t in _csv("STRATUS_FILE_TYPES")),
            alert_emails=tuple(a.lower() for a in _csv("STRATUS_ALERT_EMAILS")),
            secret_pepper=os.environ.get("STRATUS_SECRET_PEPPER", ""),
            app_heartbeat_ttl_seconds=_int("STRATUS_APP_HEARTBEAT_TTL", 300),
            app_timeout_seconds=float(os.environ.get("STRATUS_APP_TIMEOUT") or 27.0),
            webhook_backoff_seconds=_int("STRATUS_WEBHOOK_BACKOFF", 30),
            ws_endpoint=os.environ.get("STRATUS_WS_ENDPOINT") or None,
            ws_auth_timeout_seconds=float(os.environ.get("STRATUS_WS_AUTH_TIMEOUT") or 10.0),
        )


# Every service of one process (tests, `stratus dev`, a tool's in-process transport) signs and verifies
# with the same secret; no other process knows it.
_PROCESS_SECRET = secrets.token_urlsafe(32)


def _service_token_secret() -> str:
    configured = os.environ.get("STRATUS_SERVICE_TOKEN_SECRET")
    if configured:
        return configured
    # On AWS each container would invent its own and refuse every other function's calls: leave it empty,
    # and `shared.service_token` refuses to sign or verify with it.
    return "" if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") else _PROCESS_SECRET


@cache
def settings() -> Settings:
    """The container's settings (read once; `settings.cache_clear()` re-reads them in tests)."""
    return Settings.from_env()
