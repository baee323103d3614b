"""The app's gate (shared.app_access, docs/apps.md) and its permissions.

Every member of a tenant that enabled the app records and reads their own readings (no permission beyond
membership: the data is theirs). Reading someone else's needs that owner's unexpired grant. Verifying an
expert needs `health.expert.verify`, adding a course `health.course.write` (tenant admins hold `*`;
a tenant grants them through its own roles).
"""

from __future__ import annotations

from apps.health.manifest import SERVICE
from functions.registry.client import RegistryClient
from functions.tenants.client import TenantsClient
from shared import permissions
from shared.app_access import AppAccess
from shared.context import UserContext, require

ACCESS = AppAccess(SERVICE, registry=RegistryClient(SERVICE), tenants=TenantsClient(SERVICE))

EXPERT_VERIFY = "health.expert.verify"
COURSE_WRITE = "health.course.write"


def caller() -> UserContext:
    """The verified caller; their tenant is the token's (the gate checked it enabled the app)."""
    return require().require_user()


def requiring(permission: str) -> UserContext:
    user = caller()
    permissions.require(user, permission)
    return user
