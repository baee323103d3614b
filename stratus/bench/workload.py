"""The platform under measurement and the operations the benchmarks run on it.

One `LocalPlatform` on an embedded moto server (the same process, the same code paths as `stratus dev`);
requests go through the in-process gateway (`Gateway.handle`), so the figures are the functions' and the
emulator's, not a socket's. A tenant with an admin and a member, a file and a role are set up first; each
operation then has what it needs (a fresh session for logout, a fresh name for a role, ...).
"""

from __future__ import annotations

import json
import os
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


class Bench:
    """A started platform and a client for its gateway."""

    def __init__(self, registry: Registry, *, pumps: bool) -> None:
        os.environ.update(
            {
                "STRATUS_ADMIN_EMAIL": ADMIN_EMAIL,
                "STRATUS_ADMIN_PASSWORD": ADMIN_PASSWORD,
                # Benchmarks measure the platform, not its rate limiter's refusals.
                "STRATUS_RATE_LIMITS": json.dumps(
                    {
                        "auth": [10**9, 900],
                        "tenant": [10**9, 900],
                        "files": [10**9, 60],
                        "email": [10**9, 3600],
                    }
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
    put_object(bench, ticket, b"hello")
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


def put_object(bench: Bench, ticket: dict[str, Any], content: bytes) -> None:
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
