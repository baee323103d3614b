"""`stratus invoke … --as EMAIL@TENANT`: a real access token for an existing user, made the way a login
makes one but without the password — the developer holds the dev signing key and the emulator's data.

The steps are the login's own (functions/gateway/flows.py), through the same typed clients the gateway
uses: the tenant must be valid, the user must exist and be active, its roles and permissions come from
rbac, a session is opened in cache (so the authorizer's session and epoch checks pass as for anyone), and
auth signs the token. No `user.login` event is published (it was not a login): the token is issued with
`reason="refresh"`."""

from __future__ import annotations

from dataclasses import dataclass

from functions.auth.client import AuthClient, TokensRequest
from functions.cache.client import CacheClient, NewSession
from functions.gateway.manifest import SERVICE as GATEWAY
from functions.rbac.client import RbacClient
from functions.tenants.client import TenantsClient
from functions.users import store as users_store
from shared.errors import StratusError


@dataclass(frozen=True)
class Actor:
    email: str
    tenant_id: str
    user_id: str
    access_token: str


def parse(as_user: str) -> tuple[str, str]:
    """`EMAIL@TENANT` → (email, tenant); the tenant is after the last `@`."""
    email, at, tenant = as_user.rpartition("@")
    if not at or "@" not in email or not tenant:
        raise ValueError(f"--as wants EMAIL@TENANT (e.g. ada@acme.example@acme-corp), not {as_user!r}")
    return email, tenant


def act_as(as_user: str) -> Actor:
    """A signed access token for the user `EMAIL@TENANT`; ValueError (one line) if it cannot be."""
    email, tenant = parse(as_user)
    try:
        TenantsClient(GATEWAY).validate(tenant)
        user = users_store.find_by_email(tenant, email.lower()) or users_store.find_by_email(tenant, email)
        if user is None:
            raise ValueError(f"no user {email} in tenant {tenant} (create it, or check the spelling)")
        if user.status != "active":
            raise ValueError(f"{email} in {tenant} is {user.status}: only an active user can act")
        granted = RbacClient(GATEWAY).user_permissions_internal(user.user_id, tenant_id=tenant)
        session = CacheClient(GATEWAY).sessions_create(
            NewSession.opening(tenant_id=tenant, user_id=user.user_id, email=user.email)
        )
        issued = AuthClient(GATEWAY).tokens(
            TokensRequest(
                user_id=user.user_id,
                email=user.email,
                tenant_id=tenant,
                roles=granted.roles,
                permissions=granted.permissions,
                session_id=session.session_id,
                epoch=session.epoch,
                reason="refresh",  # not a login: no user.login event for a developer's invoke
            )
        )
    except StratusError as exc:
        raise ValueError(f"cannot act as {as_user}: {exc.code} {exc.message}") from None
    return Actor(user.email, tenant, user.user_id, issued.access_token)
