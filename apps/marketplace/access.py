"""Who is asking: the verified user of a protected route, or — on the storefront's public routes — the
tenant the app's gate placed the request in (`X-Tenant-ID`, else the host's first label; seed 001). An
authenticated caller is always in their own tenant (HttpApp refuses an `X-Tenant-ID` that differs)."""

from __future__ import annotations

from apps.marketplace.manifest import SERVICE
from functions.registry.client import RegistryClient
from functions.tenants.client import TenantsClient
from shared import permissions
from shared.app_access import AppAccess
from shared.context import UserContext, require

# The app's gate (shared.app_access, docs/apps.md): which tenants enabled the marketplace, and the tenant
# of an anonymous storefront request.
ACCESS = AppAccess(SERVICE, registry=RegistryClient(SERVICE), tenants=TenantsClient(SERVICE))

# The app's permissions (tenant admins hold `*`; a tenant grants them through its own roles).
PRODUCT_WRITE = "product.write"
PRODUCT_CERTIFY = "product.certify"
ORDER_READ_ALL = "order.read"
CREATOR_REVIEW = "creator.review"
PAYOUT_MANAGE = "payout.manage"


def caller() -> UserContext:
    return require().require_user()


def requiring(permission: str) -> UserContext:
    user = caller()
    permissions.require(user, permission)
    return user


def storefront_tenant() -> str:
    """The tenant a public read is for: the caller's own if signed in, else the one the gate placed the
    anonymous request in (X-Tenant-ID, else the host's first label) — never one the handler picks."""
    tenant_id = require().tenant_id
    if tenant_id is None:  # not through AppHttpApp: a programming error
        raise RuntimeError("no tenant was placed on the request")
    return tenant_id
