"""The platform under measurement and the operations the benchmarks run on it.

One `LocalPlatform` on an embedded moto server (the same process, the same code paths as `stratus dev`);
requests go through the in-process gateway (`Gateway.handle`), so the figures are the functions' and the
emulator's, not a socket's. A tenant with an admin and a member, a file and a role are set up first; each
operation then has what it needs (a fresh session for logout, a fresh name for a role, ...).
"""

from __future__ import annotations

import itertools
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.adapters.gateway import Gateway, HttpRequest, HttpResponse
from shared.registry import Registry
from stratus.local import LocalPlatform

ADMIN_EMAIL = "bench-admin@platform.example"
ADMIN_PASSWORD = "bench-admin-password-1"  # noqa: S105 - a throwaway local platform
PASSWORD = "bench-member-password-1"  # noqa: S105
TENANT = "bench"


class BenchError(RuntimeError):
    pass


@dataclass(frozen=True)
class Op:
    """One operation: `prepare` (untimed: a session to end, a file to complete) then `run` (timed)."""

    name: str  # what API.md calls it: `GET /api/v1/users/me`
    owner: str  # the function it exercises (its service's layer sets the budget)
    run: Callable[[Any], Any]
    prepare: Callable[[], Any] = lambda: None


def op(name: str, owner: str, run: Callable[[], Any]) -> Op:
    return Op(name, owner, lambda _prepared: run())


class Bench:
    """A started platform and a client for its gateway."""

    def __init__(self, registry: Registry, *, pumps: bool) -> None:
        os.environ.update(
            {
                "STRATUS_ADMIN_EMAIL": ADMIN_EMAIL,
                "STRATUS_ADMIN_PASSWORD": ADMIN_PASSWORD,
                # Benchmarks measure the platform, not its rate limiter's refusals.
                "STRATUS_RATE_LIMITS": json.dumps(
                    {"auth": [10**9, 900], "tenant": [10**9, 900], "files": [10**9, 60]}
                ),
                "STRATUS_REQUEST_METRICS": "off",
                "POWERTOOLS_LOG_LEVEL": "WARNING",
                "POWERTOOLS_METRICS_DISABLED": "true",
            }
        )
        from functions.gateway import rate_limits

        rate_limits.limits.cache_clear()
        self.registry = registry
        self.platform = LocalPlatform(
            registry, port=0, emulator_port=0, pumps=pumps, schedules=False, log=_quiet
        )
        self.gateway: Gateway | None = None

    def start(self) -> Bench:
        self.platform.start()
        self.gateway = Gateway(self.registry)
        return self

    def stop(self) -> None:
        self.platform.stop()

    @property
    def endpoint_url(self) -> str:
        assert self.platform.emulator is not None
        return self.platform.emulator.endpoint_url

    def call(
        self, method: str, path: str, body: Any = None, token: str | None = None, **query: str
    ) -> HttpResponse:
        assert self.gateway is not None
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        raw = b"" if body is None else json.dumps(body).encode()
        return self.gateway.handle(HttpRequest(method, path, headers, query=dict(query), body=raw))

    def data(self, reply: HttpResponse) -> Any:
        parsed = json.loads(reply.body) if reply.body else None
        if reply.status >= 300:
            raise BenchError(f"{reply.status}: {parsed}")
        return parsed["data"] if isinstance(parsed, dict) and "data" in parsed else parsed

    def login(self, email: str, password: str, tenant: str) -> dict[str, Any]:
        found: dict[str, Any] = self.data(
            self.call(
                "POST", "/api/v1/auth/login", {"email": email, "password": password, "tenantId": tenant}
            )
        )
        return found


def _quiet(_line: str) -> None:
    pass


@dataclass
class World:
    """What the operations act on."""

    root: str  # platform admin token
    admin: str  # tenant admin token
    member: dict[str, Any]  # login answer of a member
    member_id: str
    file_id: str


def setup(bench: Bench) -> World:
    root = bench.login(ADMIN_EMAIL, ADMIN_PASSWORD, "platform")["accessToken"]
    bench.data(
        bench.call(
            "POST",
            "/api/v1/tenants",
            {
                "tenantId": TENANT,
                "name": "Bench",
                "plan": "premium",
                "adminEmail": f"admin@{TENANT}.example",
                "adminPassword": PASSWORD,
            },
            token=root,
        )
    )
    admin = bench.login(f"admin@{TENANT}.example", PASSWORD, TENANT)["accessToken"]
    member_id = bench.data(
        bench.call(
            "POST",
            "/api/v1/auth/register",
            {"email": f"ada@{TENANT}.example", "password": PASSWORD, "tenantId": TENANT},
        )
    )["userId"]
    member = bench.login(f"ada@{TENANT}.example", PASSWORD, TENANT)
    ticket = bench.data(
        bench.call(
            "POST",
            "/api/v1/files/upload",
            {"fileName": "a.txt", "fileSize": 5, "contentType": "text/plain"},
            token=admin,
        )
    )
    _put_object(bench, ticket, b"hello")
    bench.data(bench.call("POST", f"/api/v1/files/{ticket['fileId']}/complete", token=admin))
    _welcome(member_id)
    return World(root=root, admin=admin, member=member, member_id=member_id, file_id=ticket["fileId"])


def _welcome(user_id: str) -> None:
    """The member's welcome message, put in the inbox by the notification subscriber itself (the latency
    stage runs without queue pumps, so nothing else would deliver it)."""
    from functions.notification import subscriber as notification
    from shared import context
    from shared.adapters.lambda_events import LocalContext
    from shared.context import RequestContext
    from shared.events import publisher

    data = {"userId": user_id, "email": f"ada@{TENANT}.example", "tenantId": TENANT, "roles": ["member"]}
    with context.bound(RequestContext(request_id="req_bench", correlation_id="cor_bench", service="users")):
        event = publisher.build("user.created", data, tenant_id=TENANT)
        notification.subscriber.process(event, LocalContext.for_function(notification.subscriber.function))


def _put_object(bench: Bench, ticket: dict[str, Any], content: bytes) -> None:
    """The browser's POST of the bytes, done with boto3 (the bench measures the platform, not multipart)."""
    from shared import aws
    from shared.config import settings

    fields = ticket["upload"]["fields"]
    aws.client("s3").put_object(
        Bucket=settings().bucket_name,
        Key=fields["key"],
        Body=content,
        ContentType=fields.get("Content-Type", "text/plain"),
    )


def operations(bench: Bench, world: World) -> list[Op]:
    """Every public operation of API.md, the internal endpoints they do not reach, and the jobs."""
    counter = itertools.count()
    admin, member, root = world.admin, world.member["accessToken"], world.root
    refresh_tokens = [world.member["refreshToken"]]
    f, u = world.file_id, world.member_id

    def register() -> HttpResponse:
        email = f"u{next(counter)}-{uuid.uuid4().hex[:6]}@{TENANT}.example"
        return bench.call(
            "POST", "/api/v1/auth/register", {"email": email, "password": PASSWORD, "tenantId": TENANT}
        )

    def new_member() -> str:
        return str(bench.data(register())["userId"])

    def refresh() -> HttpResponse:
        reply = bench.call("POST", "/api/v1/auth/refresh", {"refreshToken": refresh_tokens[-1]})
        if reply.status == 200:
            refresh_tokens.append(json.loads(reply.body)["data"]["refreshToken"])
        return reply

    def upload_request() -> HttpResponse:
        body = {"fileName": "b.txt", "fileSize": 10, "contentType": "text/plain"}
        return bench.call("POST", "/api/v1/files/upload", body, token=member)

    def uploaded() -> str:
        ticket = bench.data(upload_request())
        _put_object(bench, ticket, b"0123456789")
        return str(ticket["fileId"])

    def completed() -> str:
        file_id = uploaded()
        bench.data(bench.call("POST", f"/api/v1/files/{file_id}/complete", token=member))
        return file_id

    def with_notification() -> str:
        found = bench.data(bench.call("GET", "/api/v1/notifications", token=member))
        return str(found[0]["notificationId"]) if found else "n_none"

    def job(name: str) -> Callable[[], Any]:
        from shared.adapters.lambda_events import LocalContext, scheduled_event

        fn = bench.registry.function(name)
        return lambda: bench.registry.handler(fn)(scheduled_event(name), LocalContext.for_function(fn))

    def internal(method: str, path: str, service: str, body: Any = None) -> Callable[[], Any]:
        from shared.service_client import ServiceClient

        client = ServiceClient("bench")
        return lambda: client.call(
            service, method, path, body=json.dumps(body).encode() if body is not None else None
        )

    tokens = {"me": member}
    password = [PASSWORD]

    def change_password(_: Any) -> HttpResponse:
        new = f"bench-member-password-{next(counter)}"
        reply = bench.call(
            "POST",
            "/api/v1/auth/change-password",
            {"currentPassword": password[-1], "newPassword": new},
            token=tokens["me"],
        )
        password.append(new)
        tokens["me"] = bench.login(f"ada@{TENANT}.example", new, TENANT)["accessToken"]
        return reply

    sessions = {"admin": admin}

    def throwaway_tenant() -> str:
        body = {
            "name": "Gone",
            "plan": "free",
            "adminEmail": f"a{next(counter)}@gone.example",
            "adminPassword": PASSWORD,
        }
        return str(bench.data(bench.call("POST", "/api/v1/tenants", body, token=root))["tenantId"])

    return [
        op("POST /api/v1/auth/register", "gateway-register", register),
        op(
            "POST /api/v1/auth/login",
            "gateway-login",
            lambda: bench.call(
                "POST",
                "/api/v1/auth/login",
                {"email": f"ada@{TENANT}.example", "password": password[-1], "tenantId": TENANT},
            ),
        ),
        op("POST /api/v1/auth/refresh", "gateway-refresh", refresh),
        Op(
            "POST /api/v1/auth/logout",
            "gateway-logout",
            lambda t: bench.call("POST", "/api/v1/auth/logout", token=t),
            prepare=lambda: bench.login(f"ada@{TENANT}.example", password[-1], TENANT)["accessToken"],
        ),
        Op("POST /api/v1/auth/change-password", "gateway-change-password", change_password),
        op(
            "POST /api/v1/tenants",
            "gateway-create-tenant",
            lambda: bench.call(
                "POST",
                "/api/v1/tenants",
                {
                    "name": "Bench co",
                    "plan": "free",
                    "adminEmail": f"a{next(counter)}@co.example",
                    "adminPassword": PASSWORD,
                },
                token=root,
            ),
        ),
        op("GET /api/v1/users/me", "users-me", lambda: bench.call("GET", "/api/v1/users/me", token=member)),
        op("GET /api/v1/users", "users-list", lambda: bench.call("GET", "/api/v1/users", token=admin)),
        op(
            "GET /api/v1/users/{id}",
            "users-get",
            lambda: bench.call("GET", f"/api/v1/users/{u}", token=admin),
        ),
        op(
            "PATCH /api/v1/users/{id}",
            "users-update",
            lambda: bench.call(
                "PATCH", f"/api/v1/users/{u}", {"profile": {"name": f"Ada {next(counter)}"}}, token=admin
            ),
        ),
        Op(
            "POST /api/v1/users/{id}/suspend",
            "users-suspend",
            lambda uid: bench.call("POST", f"/api/v1/users/{uid}/suspend", token=sessions["admin"]),
            prepare=new_member,
        ),
        Op(
            "DELETE /api/v1/users/{id}",
            "users-delete",
            lambda uid: bench.call("DELETE", f"/api/v1/users/{uid}", token=sessions["admin"]),
            prepare=new_member,
        ),
        op(
            "GET /api/v1/users/{id}/permissions",
            "rbac-user-permissions",
            lambda: bench.call("GET", f"/api/v1/users/{u}/permissions", token=admin),
        ),
        op("GET /api/v1/roles", "rbac-roles-list", lambda: bench.call("GET", "/api/v1/roles", token=admin)),
        op(
            "POST /api/v1/roles",
            "rbac-roles-create",
            lambda: bench.call(
                "POST",
                "/api/v1/roles",
                {"name": f"role_{next(counter)}", "permissions": ["file.read"]},
                token=admin,
            ),
        ),
        op(
            "PUT /api/v1/roles/{name}",
            "rbac-roles-update",
            lambda: bench.call(
                "PUT",
                "/api/v1/roles/member",
                {"permissions": ["file.read", "file.upload", "notification.read", "user.read"]},
                token=admin,
            ),
        ),
        Op(
            "POST /api/v1/users/{id}/roles",
            "rbac-assign",
            lambda uid: bench.call(
                "POST", f"/api/v1/users/{uid}/roles", {"role": "tenant_admin"}, token=admin
            ),
            prepare=new_member,
        ),
        Op(
            "DELETE /api/v1/users/{id}/roles/{role}",
            "rbac-unassign",
            lambda uid: bench.call("DELETE", f"/api/v1/users/{uid}/roles/member", token=admin),
            prepare=new_member,
        ),
        Op(
            "POST /api/v1/tenants/{id}/suspend",
            "tenants-suspend",
            lambda tid: bench.call("POST", f"/api/v1/tenants/{tid}/suspend", token=root),
            prepare=throwaway_tenant,
        ),
        op(
            "GET /api/v1/tenants/{id}",
            "tenants-get",
            lambda: bench.call("GET", f"/api/v1/tenants/{TENANT}", token=admin),
        ),
        op(
            "PATCH /api/v1/tenants/{id}",
            "tenants-update",
            lambda: bench.call(
                "PATCH", f"/api/v1/tenants/{TENANT}", {"name": f"Bench {next(counter)}"}, token=admin
            ),
        ),
        op("POST /api/v1/files/upload", "files-upload-request", upload_request),
        Op(
            "POST /api/v1/files/{id}/complete",
            "files-complete",
            lambda fid: bench.call("POST", f"/api/v1/files/{fid}/complete", token=member),
            prepare=uploaded,
        ),
        op("GET /api/v1/files", "files-list", lambda: bench.call("GET", "/api/v1/files", token=member)),
        op(
            "GET /api/v1/files/{id}",
            "files-get",
            lambda: bench.call("GET", f"/api/v1/files/{f}", token=member),
        ),
        op(
            "GET /api/v1/files/{id}/download",
            "files-download",
            lambda: bench.call("GET", f"/api/v1/files/{f}/download", token=member),
        ),
        Op(
            "DELETE /api/v1/files/{id}",
            "files-delete",
            lambda fid: bench.call("DELETE", f"/api/v1/files/{fid}", token=admin),
            prepare=completed,
        ),
        op(
            "GET /api/v1/notifications",
            "notification-inbox",
            lambda: bench.call("GET", "/api/v1/notifications", token=member),
        ),
        Op(
            "POST /api/v1/notifications/{id}/read",
            "notification-mark-read",
            lambda nid: bench.call("POST", f"/api/v1/notifications/{nid}/read", token=member),
            prepare=with_notification,
        ),
        op(
            "GET /api/v1/notifications/preferences",
            "notification-preferences-get",
            lambda: bench.call("GET", "/api/v1/notifications/preferences", token=member),
        ),
        op(
            "PUT /api/v1/notifications/preferences",
            "notification-preferences-put",
            lambda: bench.call("PUT", "/api/v1/notifications/preferences", {"sms": False}, token=member),
        ),
        op("GET /api/v1/audit", "audit-query", lambda: bench.call("GET", "/api/v1/audit", token=admin)),
        op(
            "GET /api/v1/metrics/summary",
            "monitoring-summary",
            lambda: bench.call("GET", "/api/v1/metrics/summary", token=admin),
        ),
        op("GET /api/v1/jobs", "monitoring-jobs", lambda: bench.call("GET", "/api/v1/jobs", token=root)),
        op("GET /internal/health", "monitoring-health", lambda: bench.call("GET", "/internal/health")),
        op(
            "GET /internal/metrics",
            "monitoring-prometheus",
            internal("GET", "/internal/metrics", "monitoring"),
        ),
        op("GET /.well-known/jwks.json", "auth-jwks", lambda: bench.call("GET", "/.well-known/jwks.json")),
        op(
            "GET /.well-known/openapi.json",
            "gateway-openapi",
            lambda: bench.call("GET", "/.well-known/openapi.json"),
        ),
        op(
            "POST /internal/alerts/send",
            "notification-alerts-send",
            internal(
                "POST",
                "/internal/alerts/send",
                "notification",
                {"alertType": "bench", "severity": "info", "message": "bench"},
            ),
        ),
        op(
            "POST /internal/auth/verify-token",
            "auth-verify-token",
            internal("POST", "/internal/auth/verify-token", "auth", {"token": member}),
        ),
        op("job files-cleanup-job", "files-cleanup-job", job("files-cleanup-job")),
        op("job files-reconcile-job", "files-reconcile-job", job("files-reconcile-job")),
        op("job auth-purge-sessions-job", "auth-purge-sessions-job", job("auth-purge-sessions-job")),
        op(
            "job monitoring-outbox-drain-job",
            "monitoring-outbox-drain-job",
            job("monitoring-outbox-drain-job"),
        ),
    ]
