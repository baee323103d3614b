"""Helpers for rbac's tests: events for internal and user routes, envelopes, and a fake cache."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from shared.adapters.lambda_events import LocalContext, http_event
from shared.context import UserContext
from shared.service_client import IncomingResponse, OutgoingRequest
from tests.kit import service_token_for

TENANT = "acme"
OTHER_TENANT = "globex"
MEMBER_PERMISSIONS = ["file.read", "file.upload", "notification.read", "user.read"]


class FakeCache:
    """cache's `principals-user`, answering an ever-growing epoch; every request is kept."""

    def __init__(self) -> None:
        self.requests: list[OutgoingRequest] = []

    def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        self.requests.append(request)
        if request.service == "cache" and request.path == "/internal/principals/user":
            return IncomingResponse(200, {"success": True, "data": {"epoch": len(self.requests)}})
        return IncomingResponse(
            404, {"success": False, "error": {"code": "NOT_FOUND", "message": request.path}}
        )

    def bodies(self) -> list[Any]:
        return [json.loads(r.body or b"null") for r in self.requests]


def user(
    user_id: str = "u_admin", *, tenant: str = TENANT, permissions: tuple[str, ...] = ("*",)
) -> UserContext:
    return UserContext(user_id=user_id, tenant_id=tenant, permissions=permissions)


def call(
    module: ModuleType,
    path: str,
    *,
    path_params: dict[str, str] | None = None,
    body: Any = None,
    query: dict[str, str] | None = None,
    caller: UserContext | None = None,
    service: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """Invoke a function module's Lambda handler as the gateway would: as `caller` (a user route) or as
    `service` (an internal route, with a service token whose audience is rbac)."""
    route = module.app.declared
    sent = dict(headers or {})
    if service is not None:
        sent["x-service-token"] = service_token_for(service, "rbac")
    authorizer = {"userContext": caller.to_header()} if caller is not None else None
    event = http_event(
        route.method,
        path,
        route=route,
        path_params=path_params,
        headers=sent,
        query=query,
        body=None if body is None else body if isinstance(body, str) else json.dumps(body),
        authorizer=authorizer,
    )
    result = module.handler(event, LocalContext(module.app.function.qualified_name))
    return int(result["statusCode"]), json.loads(result["body"]) if result.get("body") else {}


def error_code(payload: dict[str, Any]) -> str:
    return str(payload["error"]["code"])


def make_user(user_id: str, *, tenant: str = TENANT, user_type: str = "member") -> dict[str, Any]:
    """What users does when it creates a user: rbac's assign-default-role."""
    from functions.rbac import assign_default_role

    status, payload = call(
        assign_default_role,
        f"/internal/users/{user_id}/assign-default-role",
        path_params={"userId": user_id},
        body={"tenantId": tenant, "userType": user_type},
        service="users",
    )
    assert status == 200, payload
    return dict(payload["data"])
