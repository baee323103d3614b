"""The platform as the GraphQL function sees it, faked at the service wire: each owning service's internal
read route answered from in-memory data of two tenants, applying the callee's rules from the
`X-User-Context` the typed client sent (tenant from it, permissions as the public routes check them). The
GraphQL function runs its real typed clients, so `services.requests` is every backend call it made."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from shared.context import Headers, UserContext
from shared.permissions import allows
from shared.service_client import OutgoingRequest
from tests.kit import FakeServices, refuse, user

TENANT, OTHER = "acme", "globex"
ADMIN = user("u_admin")  # `*`
MEMBER = user("u_jane", permissions=("file.read", "notification.read"), roles=("member",))
OUTSIDER = user("u_eve", tenant=OTHER)

Answer = Any


def _person(tenant: str, user_id: str, email: str) -> dict[str, Any]:
    return {
        "userId": user_id,
        "email": email,
        "tenantId": tenant,
        "status": "active",
        "profile": {"name": user_id},
        "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z",
        "emailVerified": True,
    }


@dataclass
class Platform:
    """The data of both tenants, and the fake callees' answers over it."""

    users: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    roles_of: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    files: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def seeded(cls, users_per_tenant: int = 5) -> Platform:
        made = cls()
        for tenant in (TENANT, OTHER):
            ids = ["u_admin", "u_jane"] + [f"u_{tenant}{i}" for i in range(users_per_tenant - 2)]
            if tenant == OTHER:
                ids = ["u_eve"] + [f"u_{tenant}{i}" for i in range(users_per_tenant - 1)]
            made.users[tenant] = [_person(tenant, u, f"{u}@{tenant}.test") for u in ids]
            for u in ids:
                made.roles_of[(tenant, u)] = ["tenant_admin"] if u == "u_admin" else ["member"]
            made.files[tenant] = [
                {
                    "fileId": f"f_{tenant}{i}",
                    "fileName": f"report-{i}.pdf",
                    "fileSize": 1000 + i,
                    "contentType": "application/pdf",
                    "folder": "/",
                    "status": "available",
                    "ownerId": ids[i % len(ids)],
                    "createdAt": "2026-01-02T00:00:00Z",
                    "updatedAt": "2026-01-02T00:00:00Z",
                }
                for i in range(6)
            ]
        return made

    def install(self, fake: FakeServices) -> FakeServices:
        fake.on("users", "GET", "/internal/users", self._users_page)
        fake.on("users", "POST", "/internal/users/batch", self._users_batch)
        fake.on("rbac", "POST", "/internal/roles/assignments", self._assignments)
        fake.on("rbac", "GET", "/internal/roles", self._roles)
        fake.on("files", "GET", "/internal/files", self._files)
        fake.on("notification", "GET", "/internal/notifications", self._inbox)
        fake.on("audit", "GET", "/internal/audit", self._audit)
        return fake

    # --- the callees' rules: tenant from the user context, permissions as the public routes ------------
    def _users_page(self, request: OutgoingRequest, _: Any) -> Answer:
        caller = acting(request)
        if not allows(caller.permissions, "user.read"):
            return 403, refuse("PERMISSION_DENIED", "Requires user.read")
        size = int(request.query.get("pageSize", "20"))
        found = self.users[caller.tenant_id]
        return {"users": found[:size], "total": len(found), "nextCursor": None}

    def _users_batch(self, request: OutgoingRequest, body: Any) -> Answer:
        caller = acting(request)
        if body["userIds"] != [caller.user_id] and not allows(caller.permissions, "user.read"):
            return 403, refuse("PERMISSION_DENIED", "Requires user.read")
        wanted = set(body["userIds"])
        return {"users": [u for u in self.users[caller.tenant_id] if u["userId"] in wanted]}

    def _assignments(self, request: OutgoingRequest, body: Any) -> Answer:
        caller = acting(request)
        if body["userIds"] != [caller.user_id] and not allows(caller.permissions, "user.read"):
            return 403, refuse("PERMISSION_DENIED", "Requires user.read")
        held = [
            {"userId": u, "roles": self.roles_of[(caller.tenant_id, u)], "permissions": ["user.read"]}
            for u in body["userIds"]
            if (caller.tenant_id, u) in self.roles_of
        ]
        return {"users": held}

    def _roles(self, request: OutgoingRequest, _: Any) -> Answer:
        acting(request)
        return {"roles": [{"name": "member", "permissions": ["file.read"], "builtin": True}]}

    def _files(self, request: OutgoingRequest, _: Any) -> Answer:
        caller = acting(request)
        if not allows(caller.permissions, "file.read"):
            return 403, refuse("PERMISSION_DENIED", "Requires file.read")
        found = self.files[caller.tenant_id][: int(request.query.get("pageSize", "20"))]
        return {"files": found, "total": len(self.files[caller.tenant_id]), "nextCursor": None}

    def _inbox(self, request: OutgoingRequest, _: Any) -> Answer:
        acting(request)
        entry = {
            "notificationId": "n_1",
            "type": "welcome",
            "title": "Welcome",
            "body": "Hello",
            "read": False,
            "createdAt": "2026-01-03T00:00:00Z",
        }
        return {"notifications": [entry], "total": 1, "nextCursor": None}

    def _audit(self, request: OutgoingRequest, _: Any) -> Answer:
        caller = acting(request)
        if not allows(caller.permissions, "audit.read"):
            return 403, refuse("PERMISSION_DENIED", "Requires audit.read")
        record = {
            "eventId": "evt_1",
            "type": request.query.get("type", "user.created"),
            "timestamp": "2026-01-03T00:00:00Z",
            "actorId": "u_admin",
            "source": "users",
            "data": {"k": 1},
        }
        return {"records": [record], "total": 1, "nextCursor": None}


def acting(request: OutgoingRequest) -> UserContext:
    """The user a call acts for, as the callee's HttpApp reads it (the header the typed client sent)."""
    return UserContext.from_header(request.headers[Headers.USER_CONTEXT])


def calls(services: FakeServices) -> list[str]:
    """Every backend call made, as `service METHOD path`."""
    return [f"{r.service} {r.method} {r.path}" for r in services.requests]


def each(rows: list[dict[str, Any]], key: str) -> Iterator[Any]:
    return (r[key] for r in rows)
