"""`resource.action` permissions with wildcards (`file.*`, `*`): the one matcher every service uses, and
the one definition of a platform admin."""

from __future__ import annotations

from collections.abc import Iterable

from shared.config import settings
from shared.context import UserContext
from shared.errors import PermissionDenied


def allows(granted: Iterable[str], needed: str) -> bool:
    resource = needed.split(".", 1)[0]
    return any(g == "*" or g == needed or g == f"{resource}.*" for g in granted)


def require(user: UserContext, needed: str) -> None:
    if not allows(user.permissions, needed):
        raise PermissionDenied(f"Requires {needed}", details={"permission": needed})


# What makes a user of the reserved `platform` tenant a platform admin (its `tenant_admin` role has `*`).
PLATFORM_ADMIN_PERMISSION = "tenant.admin"


def is_platform_admin(user: UserContext) -> bool:
    """A user of the reserved `platform` tenant who holds `tenant.admin`. Every service asks this here:
    a second definition is what once let `tenant.create` and `tenant.admin` drift apart."""
    return user.tenant_id == settings().platform_tenant and allows(
        user.permissions, PLATFORM_ADMIN_PERMISSION
    )
