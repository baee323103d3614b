"""Helpers for the users tests: fake rbac/cache callees and one-line ways to call each function."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from functions.users import ports
from functions.users.records import UserRecord
from shared.adapters.lambda_events import LocalContext, http_event
from shared.context import UserContext
from shared.service_client import IncomingResponse, OutgoingRequest
from tests.kit import service_token_for
from tests.unit.functions.users.fakes import FakeUserStore, UsersTable

TENANT, OTHER_TENANT = "acme", "globex"
PASSWORD = "correct-horse-42"
CTX = LocalContext("users-test")


class Callees:
    """rbac and cache as the users service sees them: canned answers keyed on the path's last segment,
    and every request remembered so that tests can assert on what was sent."""

    def __init__(self) -> None:
        self.requests: list[OutgoingRequest] = []
        self.failures: dict[str, IncomingResponse] = {}

    def fail(self, suffix: str, status: int = 400, code: str = "INVALID_REQUEST") -> None:
        retryable = status >= 500
        error = {"code": code, "message": f"{suffix} failed", "retryable": retryable}
        self.failures[suffix] = IncomingResponse(status, {"success": False, "error": error})

    def send(self, request: OutgoingRequest, *, timeout: float) -> IncomingResponse:
        self.requests.append(request)
        suffix = request.path.rsplit("/", 1)[-1]
        if suffix in self.failures:
            return self.failures[suffix]
        body = json.loads(request.body or b"{}")
        canned: dict[str, dict[str, Any]] = {
            "assign-default-role": {"userId": request.path.split("/")[3], "roles": [body.get("userType")]},
            "forget": {"forgotten": True},
            "user": {"epoch": 1},
            "end-all": {"generation": 1, "epoch": 1},
            "assign-roles": {"userId": request.path.split("/")[3], "roles": body.get("roles")},
        }
        data = canned.get(suffix, {})
        return IncomingResponse(200, {"success": True, "data": data})

    def sent(self, suffix: str) -> list[dict[str, Any]]:
        """The JSON bodies sent to paths ending in `suffix`."""
        return [json.loads(r.body or b"{}") for r in self.requests if r.path.endswith(suffix)]


# --- calling the functions ---------------------------------------------------------------------------
def body(result: dict[str, Any]) -> Any:
    return json.loads(result["body"]) if result.get("body") else None


def internal(
    module: ModuleType,
    *,
    path: str,
    path_params: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    payload: Any = None,
    caller: str = "gateway",
) -> dict[str, Any]:
    route = module.app.declared
    event = http_event(
        route.method,
        path,
        route=route,
        path_params=path_params,
        query=query,
        headers={"x-service-token": service_token_for(caller, "users")},
        body=None if payload is None else json.dumps(payload),
    )
    result: dict[str, Any] = module.handler(event, CTX)
    return result


def api(
    module: ModuleType,
    user: UserContext,
    *,
    path: str,
    path_params: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    payload: Any = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    route = module.app.declared
    event = http_event(
        route.method,
        path,
        route=route,
        path_params=path_params,
        query=query,
        headers=headers,
        body=None if payload is None else json.dumps(payload),
        authorizer={"userContext": user.to_header()},
    )
    result: dict[str, Any] = module.handler(event, CTX)
    return result


def new_user(email: str, *, tenant: str = TENANT, password: str = PASSWORD, **extra: Any) -> dict[str, Any]:
    """Create a user through the internal route; returns the created user's data."""
    from functions.users import create

    result = internal(
        create,
        path="/internal/users/create",
        payload={"email": email, "password": password, "tenantId": tenant, **extra},
    )
    assert result["statusCode"] == 201, result["body"]
    data: dict[str, Any] = body(result)["data"]
    return data


def as_user(
    user_id: str, tenant: str = TENANT, *, permissions: tuple[str, ...] = (), roles: tuple[str, ...] = ()
) -> UserContext:
    return UserContext(user_id=user_id, tenant_id=tenant, permissions=permissions, roles=roles)


def admin(tenant: str = TENANT) -> UserContext:
    """A tenant admin who is not any of the users a test creates."""
    return as_user("u_" + "a" * 32, tenant, permissions=("*",), roles=("tenant_admin",))


def table() -> UsersTable:
    """The in-memory users table the stores of this test write (conftest.fake_stores)."""
    store = ports.users()
    assert isinstance(store, FakeUserStore), "a domain test runs on the in-memory stores"
    return store.table


def stored_user(user_id: str, tenant: str = TENANT) -> UserRecord | None:
    return table().users.get((tenant, user_id))


def stored_count(tenant: str = TENANT) -> int:
    """The tenant's COUNT as stored (not clamped at zero, as reads clamp it)."""
    return table().counts.get(tenant, 0)


def everything_stored() -> str:
    """All the table holds, as text (to show a secret is nowhere in it)."""
    return repr(table())


def without_volatile(error_body: dict[str, Any]) -> dict[str, Any]:
    """An error envelope minus what differs on every request."""
    error = {k: v for k, v in error_body["error"].items() if k not in ("requestId", "timestamp")}
    return {**error_body, "error": error}
