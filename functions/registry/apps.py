"""Registering, hearing from and deregistering external apps (API.md "Apps": registry).

Secrets an app gets once, at registration:
- `registrationToken` `srt_<serviceId>.<secret>` — its credential for heartbeats and deregistration; the
  service id inside says which app it claims to be (one read), the secret is checked against the stored
  peppered HMAC in constant time;
- `clientSecret` (with the public `clientId`) — for the OAuth client of a later part; peppered HMAC;
- `webhookSecret` `whsec_<base64>` — signs the webhooks sent to it, so the platform must be able to
  recover it: it is derived (HMAC of the pepper, the service id and a random salt) and never stored.
"""

from __future__ import annotations

import re
import secrets
import time
import uuid
from collections.abc import Mapping

from functions.registry import in_repo, ports
from functions.registry.in_repo import InRepoApp
from functions.registry.models import (
    AppService,
    DeliveryAttempt,
    Endpoint,
    Heartbeat,
    HeartbeatAck,
    Registered,
    Registration,
)
from functions.registry.ports import AppRecord
from shared import peppered, webhooks
from shared.context import UserContext, require
from shared.envelopes import utc_now_iso
from shared.errors import Conflict, InvalidToken, NotFound, PermissionDenied
from shared.permissions import PLATFORM_ADMIN_PERMISSION, is_platform_admin

# Names an app may not take: every platform service (tests/unit/functions/registry checks this holds the
# whole catalog) and the words the platform's own paths and later parts use.
RESERVED_NAMES = frozenset(
    {
        # the catalog's services
        "audit",
        "auth",
        "cache",
        "config",
        "files",
        "gateway",
        "monitoring",
        "notification",
        "oidc",
        "rbac",
        "registry",
        "tenants",
        "users",
        # the platform's own paths and parts
        "admin",
        "api",
        "api-keys",
        "apps",
        "console",
        "graphql",
        "health",
        "internal",
        "jobs",
        "marketplace",
        "metrics",
        "oauth2",
        "platform",
        "realtime",
        "roles",
        "stratus",
        "well-known",
        "ws",
    }
)
TOKEN_KIND, CLIENT_SECRET_KIND = "registration-token", "client-secret"
_TOKEN = re.compile(r"^srt_(svc_[0-9a-f]{32})\.([A-Za-z0-9_-]{20,100})$")


def require_platform_admin(user: UserContext | None) -> UserContext:
    if user is None:
        raise InvalidToken("A valid access token is required")
    if not is_platform_admin(user):
        raise PermissionDenied("Requires a platform admin", details={"permission": PLATFORM_ADMIN_PERMISSION})
    return user


def webhook_secret(record: AppRecord) -> str:
    return webhooks.new_secret(peppered.derive(f"webhook:{record.service_id}:{record.webhook_salt}"))


def to_model(record: AppRecord) -> AppService:
    seen = record.last_heartbeat
    return AppService(
        service_id=record.service_id,
        name=record.name,
        display_name=record.display_name,
        version=record.version,
        base_url=record.base_url,
        endpoints=[Endpoint.model_validate(e) for e in record.endpoints],
        events=record.events,
        webhook_url=record.webhook_url,
        redirect_uris=record.redirect_uris,
        client_id=record.client_id,
        status="deregistered" if record.status == "deregistered" else "registered",
        active=record.active(),
        last_heartbeat=_iso(seen) if seen else None,
        registered_at=record.created_at,
    )


def in_repo_model(found: InRepoApp) -> AppService:
    return AppService(
        service_id=found.service_id,
        name=found.name,
        kind="in-repo",
        display_name=found.display_name,
        version=found.version,
        endpoints=[Endpoint.model_validate(e) for e in found.endpoints],
        events=list(found.events),
        redirect_uris=[],
        status="registered",
        active=True,
        last_heartbeat=None,
    )


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch % 1 * 1000):03d}Z"


# --- registration ----------------------------------------------------------------------------------------
def register(body: Registration) -> Registered:
    require_platform_admin(require().user)
    if body.name in RESERVED_NAMES:
        raise Conflict(f"The name {body.name!r} is reserved by the platform", field="name")
    if in_repo.by_name(body.name) is not None:
        raise Conflict(f"The name {body.name!r} is an in-repo app's", field="name")
    service_id = f"svc_{uuid.uuid4().hex}"
    token = f"srt_{service_id}.{secrets.token_urlsafe(32)}"
    client_id = f"cli_{secrets.token_hex(12)}"
    client_secret = f"scs_{secrets.token_urlsafe(32)}"
    now = time.time()
    record = AppRecord(
        service_id=service_id,
        name=body.name,
        display_name=body.display_name,
        version=body.version,
        base_url=body.base_url.rstrip("/"),
        endpoints=[e.model_dump(by_alias=True, exclude_none=True) for e in body.endpoints],
        events=list(dict.fromkeys(body.events)),
        webhook_url=body.webhook_url,
        redirect_uris=list(dict.fromkeys(body.redirect_uris)),
        client_id=client_id,
        token_hash=peppered.digest(TOKEN_KIND, token),
        client_secret_hash=peppered.digest(CLIENT_SECRET_KIND, client_secret),
        webhook_salt=secrets.token_hex(16),
        status="registered",
        created_at=utc_now_iso(),
        created_epoch=now,
    )
    try:
        ports.store().create(record)
    except ports.ConditionFailed:
        raise Conflict(f"The name {body.name!r} is taken", field="name") from None
    return Registered(
        service_id=service_id,
        name=body.name,
        registration_token=token,
        webhook_secret=webhook_secret(record),
        client_id=client_id,
        client_secret=client_secret,
    )


def bearer(headers: Mapping[str, str]) -> str | None:
    scheme, _, value = (headers.get("authorization") or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def app_of_token(token: str | None) -> AppRecord:
    """The registered app whose registration token this is; 401 `INVALID_TOKEN` otherwise (malformed,
    unknown, wrong secret, deregistered — all alike)."""
    found = _TOKEN.fullmatch(token or "")
    if found is None:
        raise InvalidToken("A registration token is required (Authorization: Bearer srt_...)")
    record = ports.store().get(found.group(1))
    if record is None or not peppered.matches(TOKEN_KIND, token or "", record.token_hash):
        raise InvalidToken("The registration token is not valid")
    if record.status != "registered":
        raise InvalidToken("The app is deregistered")
    return record


def heartbeat(headers: Mapping[str, str], body: Heartbeat) -> HeartbeatAck:
    record = app_of_token(bearer(headers))
    if (body.service_id and body.service_id != record.service_id) or (body.name and body.name != record.name):
        raise InvalidToken("The registration token is another app's")
    now = time.time()
    try:
        updated = ports.store().heartbeat(record.service_id, now, body.version)
    except ports.ConditionFailed:
        raise InvalidToken("The app is deregistered") from None
    return HeartbeatAck(
        service_id=updated.service_id,
        name=updated.name,
        version=updated.version,
        active=updated.active(now),
        last_heartbeat=_iso(now),
    )


def deregister(service_id: str, headers: Mapping[str, str]) -> None:
    """A platform admin, or the app itself with its own registration token."""
    user = require().user
    if user is not None:
        require_platform_admin(user)
        record = ports.store().get(service_id)
        if record is None and in_repo.by_id(service_id) is not None:
            raise Conflict("An in-repo app is deployed, not registered: it cannot be deregistered")
        if record is None:
            raise NotFound(f"No app {service_id}", details={"serviceId": service_id})
    else:
        record = app_of_token(bearer(headers))
        if record.service_id != service_id:
            raise InvalidToken("The registration token is another app's")
    if record.status != "deregistered":
        ports.store().deregister(record, utc_now_iso())


def listed(include_inactive: bool) -> list[AppService]:
    require_platform_admin(require().user)
    now = time.time()
    records = ports.store().every()
    external = [to_model(r) for r in records if include_inactive or r.active(now)]
    return [*(in_repo_model(a) for a in sorted(in_repo.apps().values(), key=lambda a: a.name)), *external]


def get(service_id: str) -> AppService:
    require_platform_admin(require().user)
    found = in_repo.by_id(service_id)
    if found is not None:
        return in_repo_model(found)
    record = ports.store().get(service_id)
    if record is None:
        raise NotFound(f"No app {service_id}", details={"serviceId": service_id})
    return to_model(record)


def deliveries(service_id: str, limit: int) -> list[DeliveryAttempt]:
    require_platform_admin(require().user)
    if ports.store().get(service_id) is None and in_repo.by_id(service_id) is None:
        raise NotFound(f"No app {service_id}", details={"serviceId": service_id})
    return [
        DeliveryAttempt(
            event_id=a.event_id,
            event_type=a.event_type,
            tenant_id=a.tenant_id,
            attempt=a.attempt,
            status=a.status,
            http_status=a.http_status,
            error=a.error,
            duration_ms=a.duration_ms,
            attempted_at=a.attempted_at,
        )
        for a in ports.store().attempts(service_id, limit)
    ]


def endpoint_for(record: AppRecord, method: str, path: str) -> Endpoint | None:
    """The app's declared endpoint serving `method path`: literal paths before templated ones, an exact
    method before `ANY`, and the first declared among equals."""
    endpoints = [Endpoint.model_validate(e) for e in record.endpoints]
    ordered = sorted(endpoints, key=lambda e: (e.path.count("{"), e.method == "ANY"))
    for endpoint in ordered:
        if endpoint.method in (method, "ANY") and _template(endpoint.path).fullmatch(path):
            return endpoint
    return None


def path_matches(template: str, path: str) -> bool:
    return _template(template).fullmatch(path) is not None


def _template(path: str) -> re.Pattern[str]:
    """`/items/{id}/{rest+}` → a regex: `{x}` one segment, `{x+}` one or more (names do not matter)."""
    parts = re.split(r"(\{\w+\+?\})", path)
    return re.compile(
        "".join(
            (".+" if part.endswith("+}") else "[^/]+") if part.startswith("{") else re.escape(part)
            for part in parts
        )
    )
