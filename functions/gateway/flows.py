"""The cross-service public flows of seed 000 scenarios 1 and 2, and tenant creation: each step is a
downward typed call (the callee's `client.py`: its own request and response models); a flow that fails
half-way undoes what it did."""

from __future__ import annotations

from typing import Literal

from functions.auth.client import AuthClient, LogoutRequest, PreValidateRequest, TokensRequest
from functions.cache.client import (
    CacheClient,
    NewSession,
    RefreshRequest,
    RevokeRequest,
    SessionCreated,
    SessionRotated,
)
from functions.gateway import account_links, mfa_flow, rate_limits
from functions.gateway.manifest import SERVICE
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
from functions.rbac.client import RbacClient, TenantUserPermissions
from functions.tenants.client import Activation, NewTenant, QuotaOverrides, QuotaRequest, TenantsClient
from functions.users.client import (
    Credentials,
    NewUser,
    PasswordChange,
    UserOut,
    UsersClient,
    VerifiedUser,
)
from shared.config import settings
from shared.context import RequestContext, UserContext
from shared.errors import InvalidToken, PermissionDenied, StratusError, TenantNotFound, UserSuspended
from shared.permissions import is_platform_admin

auth = AuthClient(SERVICE)
cache = CacheClient(SERVICE)
rbac = RbacClient(SERVICE)
tenants = TenantsClient(SERVICE)
users = UsersClient(SERVICE)

# What cache keeps of the client with a session (its models' limits); longer values are cut, never refused.
_MAX_IP, _MAX_USER_AGENT = 64, 512


def _client_address(ctx: RequestContext) -> str:
    return ctx.source_ip or "unknown"


client_address = _client_address  # the MFA flow (mfa_flow.py) shares login's steps


def _seat(operation: Literal["reserve", "release"]) -> QuotaRequest:
    return QuotaRequest(resource_type="users", requested_amount=1, operation=operation)


def register(body: RegisterBody, ctx: RequestContext, path: str) -> RegisteredUser:
    rate_limits.hit_client(_client_address(ctx), path)
    if body.tenant_id == settings().platform_tenant:
        raise TenantNotFound()  # platform accounts are made by platform admins, never by sign-up
    tenant = body.tenant_id
    checked = auth.pre_validate(
        PreValidateRequest(email=body.email, tenant_id=tenant, password=body.password)
    )
    tenants.validate(tenant)
    tenants.check_quota(tenant, _seat("reserve"))
    try:
        created = users.create(
            NewUser(email=checked.email, password=body.password, tenant_id=tenant, profile=body.profile or {})
        )
    except StratusError:
        tenants.check_quota(tenant, _seat("release"))
        raise
    account_links.send_verification(tenant, created.email)  # docs/identity.md: email verification
    return RegisteredUser(
        user_id=created.user_id, email=created.email, tenant_id=created.tenant_id, roles=created.roles
    )


def login(body: LoginBody, ctx: RequestContext, path: str) -> TokenPair:
    rate_limits.hit_client(_client_address(ctx), path)
    tenant = body.tenant_id
    validation = tenants.validate(tenant)
    user = users.validate_credentials(
        Credentials(
            email=body.email,
            password=body.password,
            tenant_id=tenant,
            source=_client_address(ctx),
            # An unverified user's right password is 403 USER_INACTIVE where the tenant requires it.
            require_verified_email=validation.settings.require_verified_email,
        )
    )
    granted = rbac.user_permissions_internal(user.user_id, tenant_id=tenant)
    mfa_flow.require_enrolled_admin(validation, user.user_id, granted)  # requireMfaForAdmins
    return _tokens(tenant, user, granted, open_session(tenant, user.user_id, ctx), "login", ctx)


def open_session(tenant: str, user_id: str, ctx: RequestContext) -> SessionCreated:
    return cache.sessions_create(
        NewSession(
            tenant_id=tenant,
            user_id=user_id,
            ip=ctx.source_ip[:_MAX_IP] if ctx.source_ip else None,
            user_agent=ctx.user_agent[:_MAX_USER_AGENT] if ctx.user_agent else None,
        )
    )


def refresh(body: RefreshBody, ctx: RequestContext, path: str) -> TokenPair:
    rate_limits.hit_client(_client_address(ctx), path)
    session = cache.sessions_rotate(RefreshRequest(refresh_token=body.refresh_token))
    tenant = session.tenant_id
    tenants.validate(tenant)
    user = users.get_internal(session.user_id, tenant_id=tenant)
    if user.status != "active":
        cache.sessions_revoke(RevokeRequest(tenant_id=tenant, session_id=session.session_id))
        raise UserSuspended()
    granted = rbac.user_permissions_internal(session.user_id, tenant_id=tenant)
    return _tokens(tenant, user, granted, session, "refresh", ctx)


def _tokens(
    tenant: str,
    user: VerifiedUser | UserOut,
    granted: TenantUserPermissions,
    session: SessionCreated | SessionRotated,
    reason: Literal["login", "refresh"],
    ctx: RequestContext,
) -> TokenPair:
    issued = auth.tokens(
        TokensRequest(
            user_id=user.user_id,
            email=user.email,
            tenant_id=tenant,
            roles=granted.roles,
            permissions=granted.permissions,
            session_id=session.session_id,
            epoch=session.epoch,
            reason=reason,
            ip=ctx.source_ip or None,
            user_agent=ctx.user_agent or None,
        )
    )
    return TokenPair(
        access_token=issued.access_token,
        refresh_token=session.refresh_token,
        expires_in=issued.expires_in,
        user=LoginUser(
            user_id=user.user_id,
            email=user.email,
            tenant_id=tenant,
            roles=granted.roles,
            permissions=granted.permissions,
        ),
    )


issue_tokens = _tokens


def logout(user: UserContext) -> None:
    if user.session_id is None:  # the authorizer always passes the token's session
        raise InvalidToken("The access token names no session")
    auth.logout(LogoutRequest(tenant_id=user.tenant_id, user_id=user.user_id, session_id=user.session_id))


def change_password(body: ChangePasswordBody, user: UserContext) -> None:
    users.change_password(
        user.user_id,
        PasswordChange(
            tenant_id=user.tenant_id,
            current_password=body.current_password,
            new_password=body.new_password,
            # Failures count towards a lockout of this session only, never of the account's other ones.
            source=f"session:{user.session_id}",
        ),
    )


def create_tenant(body: CreateTenantBody, user: UserContext | None) -> Tenant:
    """A tenant and its admin, or nothing: the tenant stays `provisioning` (invisible) until the admin
    exists, and is discarded if the admin cannot be made. `user` None is the bootstrap (no caller yet)."""
    if user is not None and not is_platform_admin(user):
        raise PermissionDenied("Only platform admins create tenants")
    quotas = None
    if body.quotas is not None:
        quotas = QuotaOverrides(
            storage_bytes=body.quotas.storage_bytes,
            max_users=body.quotas.max_users,
            max_file_bytes=body.quotas.max_file_bytes,
            api_calls_per_day=body.quotas.api_calls_per_day,
        )
    tenant = tenants.create(
        NewTenant(tenant_id=body.tenant_id, name=body.name, plan=body.plan, quotas=quotas)
    )
    tenant_id = tenant.tenant_id
    try:
        tenants.check_quota(tenant_id, _seat("reserve"))
        admin = users.create(
            NewUser(
                email=body.admin_email,
                password=body.admin_password,
                tenant_id=tenant_id,
                user_type="tenant_admin",
            )
        )
        activated = tenants.activate(
            tenant_id, Activation(admin_user_id=admin.user_id, admin_email=admin.email)
        )
    except StratusError:
        tenants.discard(tenant_id)
        raise
    # The public shape is tenants' own (the gateway's model lets its other fields through as they are).
    return Tenant.model_validate(activated.model_dump(by_alias=True, mode="json"))
