"""Principal state: each user's and tenant's epoch (moved on every change that must invalidate what
callers cached about them) and status."""

from __future__ import annotations

from functions.cache import ports


def bump_user(tenant_id: str, user_id: str, status: str | None) -> int:
    return ports.store().bump_principal(ports.store().user_pk(tenant_id, user_id), status)


def bump_tenant(tenant_id: str, status: str) -> int:
    return ports.store().bump_principal(ports.store().tenant_pk(tenant_id), status)
