"""The cross-service public flows of seed 000 scenarios 1 and 2, and tenant creation: each step is a
downward call through the service client; a flow that fails half-way undoes what it did."""

from __future__ import annotations

from typing import Any

from functions.gateway import rate_limits
from functions.gateway.models import (
    ChangePasswordBody,
    CreateTenantBody,
    LoginBody,
    LoginUser,
    RefreshBody,
    RegisterBody,
    RegisteredUser,
    Tenant,
    TokenPair,
)
from shared.config import settings
from shared.context import RequestContext, UserContext
from shared.errors import PermissionDenied, StratusError, TenantNotFound, UserSuspended
from shared.permissions import allows
from shared.service_client import ServiceClient

client = ServiceClient("gateway")


def _client_address(ctx: RequestContext) -> str:
    return ctx.source_ip or "unknown"


def register(body: RegisterBody, ctx: RequestContext, path: str) -> RegisteredUser:
    rate_limits.hit_client(_client_address(ctx), path)
    if body.tenant_id == settings().platform_tenant:
        raise TenantNotFound()  # platform accounts are made by platform admins, never by sign-up
    checked = client.post(
        "auth",
        "/internal/auth/pre-validate",
        {"email": body.email, "tenantId": body.tenant_id, "password": body.password},
    )
    tenant = body.tenant_id
    client.get("tenants", f"/internal/tenants/{tenant}/validate")
    seat = {"resourceType": "users", "requestedAmount": 1}
    client.post("tenants", f"/internal/tenants/{tenant}/check-quota", seat | {"operation": "reserve"})
    try:
        created = client.post(
            "users",
            "/internal/users/create",
            {
                "email": checked["email"],
                "password": body.password,
                "tenantId": tenant,
                "profile": body.profile or {},
            },
        )
    except StratusError:
        client.post("tenants", f"/internal/tenants/{tenant}/check-quota", seat | {"operation": "release"})
        raise
    return RegisteredUser.model_validate(created)


def _permissions(tenant: str, user_id: str) -> dict[str, Any]:
    found: dict[str, Any] = client.get(
        "rbac", f"/internal/users/{user_id}/permissions", query={"tenantId": tenant}
    )
    return found


def _tokens(
    tenant: str,
    user: dict[str, Any],
    granted: dict[str, Any],
    session: dict[str, Any],
    reason: str,
    ctx: RequestContext,
) -> TokenPair:
    body = {
        "userId": user["userId"],
        "email": user["email"],
        "tenantId": tenant,
        "roles": granted["roles"],
        "permissions": granted["permissions"],
        "sessionId": session["sessionId"],
        "epoch": session.get("epoch", 0),
        "reason": reason,
    }
    if ctx.source_ip:
        body["ip"] = ctx.source_ip
    if ctx.user_agent:
        body["userAgent"] = ctx.user_agent
    issued = client.post("auth", "/internal/auth/tokens", body)
    return TokenPair(
        access_token=issued["accessToken"],
        refresh_token=session["refreshToken"],
        expires_in=issued["expiresIn"],
        user=LoginUser(
            user_id=user["userId"],
            email=user["email"],
            tenant_id=tenant,
            roles=granted["roles"],
            permissions=granted["permissions"],
        ),
    )


def login(body: LoginBody, ctx: RequestContext, path: str) -> TokenPair:
    rate_limits.hit_client(_client_address(ctx), path)
    tenant = body.tenant_id
    client.get("tenants", f"/internal/tenants/{tenant}/validate")
    user = client.post(
        "users",
        "/internal/users/validate-credentials",
        {"email": body.email, "password": body.password, "tenantId": tenant, "source": _client_address(ctx)},
    )
    granted = _permissions(tenant, user["userId"])
    session = client.post(
        "cache",
        "/internal/sessions/create",
        {"tenantId": tenant, "userId": user["userId"], "ip": ctx.source_ip, "userAgent": ctx.user_agent},
    )
    return _tokens(tenant, user, granted, session, "login", ctx)


def refresh(body: RefreshBody, ctx: RequestContext, path: str) -> TokenPair:
    rate_limits.hit_client(_client_address(ctx), path)
    session = client.post("cache", "/internal/sessions/rotate", {"refreshToken": body.refresh_token})
    tenant = session["tenantId"]
    client.get("tenants", f"/internal/tenants/{tenant}/validate")
    user = client.get("users", f"/internal/users/{session['userId']}", query={"tenantId": tenant})
    if user.get("status") != "active":
        client.post(
            "cache", "/internal/sessions/revoke", {"tenantId": tenant, "sessionId": session["sessionId"]}
        )
        raise UserSuspended()
    granted = _permissions(tenant, session["userId"])
    return _tokens(tenant, user, granted, session, "refresh", ctx)


def logout(user: UserContext) -> None:
    client.post(
        "auth",
        "/internal/auth/logout",
        {"tenantId": user.tenant_id, "userId": user.user_id, "sessionId": user.session_id},
    )


def change_password(body: ChangePasswordBody, user: UserContext) -> None:
    client.post(
        "users",
        f"/internal/users/{user.user_id}/change-password",
        {
            "tenantId": user.tenant_id,
            "currentPassword": body.current_password,
            "newPassword": body.new_password,
            # Failures count towards a lockout of this session only, never of the account's other ones.
            "source": f"session:{user.session_id}",
        },
    )


def is_platform_admin(user: UserContext) -> bool:
    return user.tenant_id == settings().platform_tenant and allows(user.permissions, "tenant.create")


def create_tenant(body: CreateTenantBody, user: UserContext | None) -> Tenant:
    """A tenant and its admin, or nothing: the tenant stays `provisioning` (invisible) until the admin
    exists, and is discarded if the admin cannot be made. `user` None is the bootstrap (no caller yet)."""
    if user is not None and not is_platform_admin(user):
        raise PermissionDenied("Only platform admins create tenants")
    request: dict[str, Any] = {"name": body.name, "plan": body.plan}
    if body.tenant_id:
        request["tenantId"] = body.tenant_id
    if body.quotas:
        request["quotas"] = body.quotas.model_dump(by_alias=True, exclude_none=True)
    tenant = client.post("tenants", "/internal/tenants", request)
    tenant_id = tenant["tenantId"]
    try:
        seat = {"resourceType": "users", "requestedAmount": 1, "operation": "reserve"}
        client.post("tenants", f"/internal/tenants/{tenant_id}/check-quota", seat)
        admin = client.post(
            "users",
            "/internal/users/create",
            {
                "email": body.admin_email,
                "password": body.admin_password,
                "tenantId": tenant_id,
                "userType": "tenant_admin",
            },
        )
        activated = client.post(
            "tenants",
            f"/internal/tenants/{tenant_id}/activate",
            {"adminUserId": admin["userId"], "adminEmail": admin["email"]},
        )
    except StratusError:
        client.post("tenants", f"/internal/tenants/{tenant_id}/discard", {})
        raise
    return Tenant.model_validate(activated)
