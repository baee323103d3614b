"""The internal routes of rbac as typed calls (`RbacClient`), with their request and response models.

Other services call rbac only through this module. It imports nothing of rbac but its manifest and
models (no handler, no store), so a caller's cold start does not load rbac's code."""

from __future__ import annotations

from functions.rbac.listing_models import Assignments, AssignmentsRequest, RoleListing
from functions.rbac.manifest import SERVICE
from functions.rbac.models import (
    CheckRequest,
    CheckResult,
    DefaultRoleRequest,
    ForgetRequest,
    Forgotten,
    GrantCheck,
    GrantChecked,
    RolesRequest,
    TenantUserPermissions,
    UserRoles,
)
from shared.tenant_export import TenantExportPage, TenantExportRequest
from shared.typed_client import TypedClient

__all__ = [
    "Assignments",
    "AssignmentsRequest",
    "CheckRequest",
    "CheckResult",
    "DefaultRoleRequest",
    "ForgetRequest",
    "Forgotten",
    "GrantCheck",
    "GrantChecked",
    "RbacClient",
    "RoleListing",
    "RolesRequest",
    "TenantUserPermissions",
    "UserRoles",
]


class RbacClient(TypedClient):
    """One method per internal route of functions/rbac/manifest.py, named after its function."""

    callee = SERVICE

    def assign_default_role(self, user_id: str, body: DefaultRoleRequest) -> UserRoles:
        """`POST /internal/users/{userId}/assign-default-role`: create a new user's roles item with
        its default role (users calls it on create).

        Handled by functions/rbac/assign_default_role.py."""
        return self._send("assign-default-role", UserRoles, body, path={"userId": user_id})

    def user_permissions_internal(self, user_id: str, *, tenant_id: str) -> TenantUserPermissions:
        """`GET /internal/users/{userId}/permissions`: a user's roles and effective permissions
        (login, refresh, the authorizer).

        Handled by functions/rbac/user_permissions_internal.py."""
        return self._send(
            "user-permissions-internal",
            TenantUserPermissions,
            path={"userId": user_id},
            query={"tenantId": tenant_id},
        )

    def roles_list_internal(self) -> RoleListing:
        """`GET /internal/roles`: the tenant's roles, for a service acting for a user.

        Handled by functions/rbac/roles_list_internal.py."""
        return self._send("roles-list-internal", RoleListing)

    def assignments_batch(self, body: AssignmentsRequest) -> Assignments:
        """`POST /internal/roles/assignments`: the roles and permissions of up to 100 users, for a
        service acting for a user.

        Handled by functions/rbac/assignments_batch.py."""
        return self._send("assignments-batch", Assignments, body)

    def check(self, body: CheckRequest) -> CheckResult:
        """`POST /internal/permissions/check`: whether a user holds `resource.action`.

        Handled by functions/rbac/check.py."""
        return self._send("check", CheckResult, body)

    def grant_check(self, body: GrantCheck) -> GrantChecked:
        """`POST /internal/roles/grant-check`: the privilege guard for an invitation: the granter
        holds every role it grants.

        Handled by functions/rbac/grant_check.py."""
        return self._send("grant-check", GrantChecked, body)

    def assign_roles(self, user_id: str, body: RolesRequest) -> UserRoles:
        """`POST /internal/users/{userId}/assign-roles`: give a new user exactly the given roles (an
        accepted invitation).

        Handled by functions/rbac/assign_roles.py."""
        return self._send("assign-roles", UserRoles, body, path={"userId": user_id})

    def forget_user(self, user_id: str, body: ForgetRequest) -> Forgotten:
        """`POST /internal/users/{userId}/forget`: delete a user's roles item (users calls it on
        delete).

        Handled by functions/rbac/forget_user.py."""
        return self._send("forget-user", Forgotten, body, path={"userId": user_id})

    def tenant_export(self, body: TenantExportRequest) -> TenantExportPage:
        """`POST /internal/rbac/tenant-export`: a page of a tenant's roles and role assignments for
        its export (offboarding).

        Handled by functions/rbac/tenant_export.py."""
        return self._send("tenant-export", TenantExportPage, body)
