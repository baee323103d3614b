"""The operations the latency stage runs: every public operation of API.md, the internal endpoints those
do not reach, and the scheduled jobs — each runnable again and again on the world `workload.setup` made."""

from __future__ import annotations

import itertools
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from shared.adapters.gateway import HttpResponse
from stratus.bench.workload import PASSWORD, TENANT, Bench, World, put_object
from stratus.mail import sent_mail


@dataclass(frozen=True)
class Op:
    """One operation: `prepare` (untimed: a session to end, a file to complete) then `run` (timed)."""

    name: str  # what API.md calls it: `GET /api/v1/users/me`
    owner: str  # the function it exercises (its service's layer sets the budget)
    run: Callable[[Any], Any]
    prepare: Callable[[], Any] = lambda: None


def op(name: str, owner: str, run: Callable[[], Any]) -> Op:
    return Op(name, owner, lambda _prepared: run())


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
        put_object(bench, ticket, b"0123456789")
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
        from shared.declarations import Layer
        from shared.service_client import ServiceClient

        # An outside caller of internal routes, as the top layer would call them (the callee checks it).
        client = ServiceClient("bench", layer=Layer.APPLICATION)
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

    resetting = f"bea@{TENANT}.example"  # a reset ends every session of its user: not ada's, which others use

    def reset_token() -> str:
        """A reset link's token mailed to bea (untimed: her first registration, the forgot-password request
        and reading the mail)."""
        if not _links(bench, resetting, "reset-password"):
            bench.call(
                "POST",
                "/api/v1/auth/register",
                {"email": resetting, "password": PASSWORD, "tenantId": TENANT},
            )
        before = len(_links(bench, resetting, "reset-password"))
        bench.data(
            bench.call("POST", "/api/v1/auth/forgot-password", {"email": resetting, "tenantId": TENANT})
        )
        return _links(bench, resetting, "reset-password")[before]

    def reset_password(token: str) -> HttpResponse:
        new = f"bench-reset-password-{next(counter)}"
        return bench.call("POST", "/api/v1/auth/reset-password", {"token": token, "newPassword": new})

    def mfa_challenge() -> dict[str, str]:
        """A new member with TOTP MFA active, and its login's mfaToken (untimed)."""
        import pyotp

        email = f"m{next(counter)}-{uuid.uuid4().hex[:6]}@{TENANT}.example"
        creds = {"email": email, "password": PASSWORD, "tenantId": TENANT}
        bench.data(bench.call("POST", "/api/v1/auth/register", creds))
        token = bench.login(email, PASSWORD, TENANT)["accessToken"]
        secret = bench.data(bench.call("POST", "/api/v1/auth/mfa/enroll", token=token))["secret"]
        totp = pyotp.TOTP(secret)
        bench.data(bench.call("POST", "/api/v1/auth/mfa/activate", {"code": totp.now()}, token=token))
        challenge = json.loads(bench.call("POST", "/api/v1/auth/login", creds).body)
        # The activation used this time-step's code; the next step's is within the window and not a replay.
        return {"mfaToken": challenge["error"]["details"]["mfaToken"], "code": totp.at(time.time() + 30)}

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
        op(
            "POST /api/v1/auth/forgot-password",
            "gateway-forgot-password",
            lambda: bench.call(
                "POST", "/api/v1/auth/forgot-password", {"email": f"ada@{TENANT}.example", "tenantId": TENANT}
            ),
        ),
        Op("POST /api/v1/auth/reset-password", "gateway-reset-password", reset_password, prepare=reset_token),
        Op(
            "POST /api/v1/auth/mfa/verify (login with MFA, second step)",
            "gateway-mfa-verify",
            lambda body: bench.call("POST", "/api/v1/auth/mfa/verify", body),
            prepare=mfa_challenge,
        ),
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


_LINK = re.compile(r"/([a-z-]+)\?token=([A-Za-z0-9._%~-]+)")


def _links(bench: Bench, to: str, page: str) -> list[str]:
    """The tokens of every `page` link mailed to `to`, oldest first (read as `stratus mail` does)."""
    return [
        unquote(match[1])
        for mail in sent_mail(bench.endpoint_url)
        if to in mail["to"]
        for match in _LINK.findall(mail.get("body") or "")
        if match[0] == page
    ]
