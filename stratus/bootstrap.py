"""The first platform admin: tenant `platform` and its admin user, made through the same internal calls
as any tenant (gateway → tenants → users → rbac). Safe to run again: an existing platform is left as is."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from functions.gateway import flows
from functions.gateway.models import CreateTenantBody
from shared import context
from shared.config import settings
from shared.context import RequestContext, new_id
from shared.errors import Conflict


@dataclass(frozen=True)
class Admin:
    email: str
    password: str | None  # None when the platform already existed (the password is not ours to show)
    created: bool


def credentials_from_env() -> tuple[str, str, bool]:
    """STRATUS_ADMIN_EMAIL / STRATUS_ADMIN_PASSWORD, or generated ones (to be printed once)."""
    email = os.environ.get("STRATUS_ADMIN_EMAIL") or "admin@platform.local"
    password = os.environ.get("STRATUS_ADMIN_PASSWORD")
    if password:
        return email, password, False
    return email, secrets.token_urlsafe(12) + "9a", True


def bootstrap_admin(email: str, password: str) -> Admin:
    ctx = RequestContext(request_id=new_id("req_"), correlation_id=new_id("cor_"), service="gateway")
    body = CreateTenantBody(
        tenant_id=settings().platform_tenant,
        name="Platform",
        plan="premium",
        admin_email=email,
        admin_password=password,
    )
    with context.bound(ctx):
        try:
            flows.create_tenant(body, None)
        except Conflict:
            return Admin(email=email, password=None, created=False)
    return Admin(email=email, password=password, created=True)
