"""The cross-service public flows of seed 000 scenarios 1 and 2, and tenant creation: each step is a
downward typed call (the callee's `client.py`: its own request and response models); a flow that fails
half-way undoes what it did."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Literal, NoReturn

from functions.auth.client import AuthClient, LogoutRequest, TokensRequest
from functions.cache.client import (
    CacheClient,
    NewSession,
    RefreshRequest,
    SessionCreated,
    SessionRotated,
)
from functions.gateway import rate_limits
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
from shared.config import settings
from shared.context import RequestContext, UserContext
from shared.errors import InvalidToken, PermissionDenied, StratusError, TenantNotFound, TenantSuspended
from shared.permissions import is_platform_admin

if TYPE_CHECKING:
    from functions.tenants.client import QuotaRequest, TenantsClient
    from functions.users.client import UsersClient

auth = AuthClient(SERVICE)
cache = CacheClient(SERVICE)
rbac = RbacClient(SERVICE)


# tenants' and users' clients (and their models, ~20 ms of CPU) are made by the first flow that calls them:
# refresh and logout, the most frequent cold starts after the authorizer, call neither (issue 15).
@functools.cache
def tenants() -> TenantsClient:
    from functions.tenants.client import TenantsClient

    return TenantsClient(SERVICE)


@functools.cache
def users() -> UsersClient:
    from functions.users.client import UsersClient

    return UsersClient(SERVICE)


# What cache keeps of the client with a session (its models' limits); longer values are cut, never refused.
_MAX_IP, _MAX_USER_AGENT = 64, 512


def _client_address(ctx: RequestContext) -> str:
    return ctx.source_ip or "unknown"


client_address = _client_address  # the MFA flow (mfa_flow.py) shares login's steps


def _seat(operation: Literal["reserve", "release"]) -> QuotaRequest:
    from functions.tenants.client import QuotaRequest

    return QuotaRequest(resource_type="users", requested_amount=1, operation=operation)


def register(body: RegisterBody, ctx: RequestContext, path: str) -> RegisteredUser:
    from functions.tenants.client import SeatRequest
    from functions.users.client import NewUser

    rate_limits.hit_client(_client_address(ctx), path)
    if body.tenant_id == settings().platform_tenant:
        raise TenantNotFound()  # platform accounts are made by platform admins, never by sign-up
    tenant = body.tenant_id
    # The body's own types already normalized the email and held the password to the rule (the kernel's
    # `shared.emails.Email`, the `NewPassword` pattern): auth's pre-validate would only say it again.
    # The request names the new user (NewUser.user_id), and the seat is reserved under that id: a retry of
    # either call finds what the first did (no idempotency records), and the seat's read refuses, as
    # validate would, a tenant that may not be used (404/403).
    new_user = NewUser(
        email=body.email,
        password=body.password,
        tenant_id=tenant,
        profile=body.profile or {},
        verify_email=True,  # user.created says so; the gateway's subscriber mails the link
    )
    tenants().seats(tenant, SeatRequest(key=new_user.user_id, operation="reserve", usable_only=True))
    try:
        created = users().create(new_user)
    except StratusError:
        tenants().seats(tenant, SeatRequest(key=new_user.user_id, operation="release"))
        raise
    return RegisteredUser(
        user_id=created.user_id, email=created.email, tenant_id=created.tenant_id, roles=created.roles
    )


def login(body: LoginBody, ctx: RequestContext, path: str) -> TokenPair:
    from functions.gateway import mfa_flow
    from functions.users.client import Credentials

    rate_limits.hit_client(_client_address(ctx), path)
    tenant = body.tenant_id
    validation = tenants().validate(tenant)
    user = users().validate_credentials(
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
    session = open_session(tenant, user.user_id, user.email, ctx)
    return _tokens(tenant, user.user_id, user.email, granted, session, "login", ctx)


def open_session(tenant: str, user_id: str, email: str, ctx: RequestContext) -> SessionCreated:
    # The request names the session and its secret: a retry of this call finds the same session.
    return cache.sessions_create(
        NewSession.opening(
            tenant_id=tenant,
            user_id=user_id,
            email=email,
            ip=ctx.source_ip[:_MAX_IP] if ctx.source_ip else None,
            user_agent=ctx.user_agent[:_MAX_USER_AGENT] if ctx.user_agent else None,
        )
    )


def refresh(body: RefreshBody, ctx: RequestContext, path: str) -> TokenPair:
    """The rotation reads the session with the user's and the tenant's principals (cache): an ended
    session, a suspended or deleted user and a suspended tenant are refused there, before the swap, and
    the new token's epoch comes with it. The permissions are rbac's, read afresh."""
    rate_limits.hit_client(_client_address(ctx), path)
    try:
        session = cache.sessions_rotate(RefreshRequest.rotating(body.refresh_token))
    except TenantSuspended as refused:
        _refuse_for_tenant(refused)
    tenant = session.tenant_id
    email = session.email
    if email is None:  # a session opened without it (`stratus --as`): the user's own record says
        email = users().get_internal(session.user_id, tenant_id=tenant).email
    granted = rbac.user_permissions_internal(session.user_id, tenant_id=tenant)
    return _tokens(tenant, session.user_id, email, granted, session, "refresh", ctx)


def _refuse_for_tenant(refused: TenantSuspended) -> NoReturn:
    """cache knows only that the tenant may not be used; tenants says why (404 while it is being deleted,
    403 when suspended)."""
    tenant = refused.details.get("tenantId") if isinstance(refused.details, dict) else None
    if isinstance(tenant, str):
        tenants().validate(tenant)
    raise refused


def _tokens(
    tenant: str,
    user_id: str,
    email: str,
    granted: TenantUserPermissions,
    session: SessionCreated | SessionRotated,
    reason: Literal["login", "refresh"],
    ctx: RequestContext,
) -> TokenPair:
    issued = auth.tokens(
        TokensRequest(
            user_id=user_id,
            email=email,
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
            user_id=user_id,
            email=email,
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
    from functions.users.client import PasswordChange

    users().change_password(
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
    from functions.tenants.client import Activation, NewTenant, QuotaOverrides
    from functions.users.client import NewUser

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
    tenant = tenants().create(
        NewTenant(tenant_id=body.tenant_id, name=body.name, plan=body.plan, quotas=quotas)
    )
    tenant_id = tenant.tenant_id
    try:
        tenants().check_quota(tenant_id, _seat("reserve"))
        admin = users().create(
            NewUser(
                email=body.admin_email,
                password=body.admin_password,
                tenant_id=tenant_id,
                user_type="tenant_admin",
            )
        )
        activated = tenants().activate(
            tenant_id, Activation(admin_user_id=admin.user_id, admin_email=admin.email)
        )
    except StratusError:
        tenants().discard(tenant_id)
        raise
    # The public shape is tenants' own (the gateway's model lets its other fields through as they are).
    return Tenant.model_validate(activated.model_dump(by_alias=True, mode="json"))
