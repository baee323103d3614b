"""rbac (core layer): built-in and tenant roles, each user's roles, effective permissions and checks."""

from shared.declarations import Function, Layer, Route, Service, Subscription, Table

TABLES = ("rbac",)

SERVICE = Service(
    name="rbac",
    layer=Layer.CORE,
    tables=(Table("rbac"),),
    functions=(
        Function(
            "assign-default-role",
            # Idempotent by construction: the role is appended only if not held, so a repeat answers the
            # same roles and writes nothing (test_internal.py: twice is idempotent).
            Route("POST", "/internal/users/{userId}/assign-default-role", idempotent=True),
            tables=TABLES,
            description="Create a new user's roles item with its default role (users calls it on create).",
        ),
        Function(
            "user-permissions-internal",
            Route("GET", "/internal/users/{userId}/permissions"),
            tables=TABLES,
            description="A user's roles and effective permissions (login, refresh, the authorizer).",
        ),
        Function(
            "check",
            Route("POST", "/internal/permissions/check", idempotent=True),
            tables=TABLES,
            description="Whether a user holds `resource.action`.",
        ),
        Function(
            "grant-check",
            Route("POST", "/internal/roles/grant-check", idempotent=True),
            tables=TABLES,
            description="The privilege guard for an invitation: the granter holds every role it grants.",
        ),
        Function(
            "assign-roles",
            Route("POST", "/internal/users/{userId}/assign-roles"),
            tables=TABLES,
            description="Give a new user exactly the given roles (an accepted invitation).",
        ),
        Function(
            "forget-user",
            Route("POST", "/internal/users/{userId}/forget", idempotent=True),
            tables=TABLES,
            description="Delete a user's roles item (users calls it on delete).",
        ),
        Function(
            "roles-list-internal",
            Route("GET", "/internal/roles"),
            tables=TABLES,
            description="The tenant's roles, for a service acting for a user.",
        ),
        Function(
            "assignments-batch",
            Route("POST", "/internal/roles/assignments", idempotent=True),
            tables=TABLES,
            description="The roles and permissions of up to 100 users, for a service acting for a user.",
        ),
        Function(
            "roles-list",
            Route("GET", "/api/v1/roles"),
            tables=TABLES,
            description="The tenant's roles, built-in ones included.",
        ),
        Function(
            "roles-create",
            Route("POST", "/api/v1/roles", status=201),
            tables=TABLES,
            description="Create a tenant role (role.write).",
        ),
        Function(
            "roles-update",
            Route("PUT", "/api/v1/roles/{name}"),
            tables=TABLES,
            description="Replace a role's permissions (role.write); tenant_admin is immutable.",
        ),
        Function(
            "user-permissions",
            Route("GET", "/api/v1/users/{userId}/permissions"),
            tables=TABLES,
            description="A user's roles and effective permissions (self or user.read).",
        ),
        Function(
            "assign",
            Route("POST", "/api/v1/users/{userId}/roles"),
            tables=TABLES,
            calls=("cache",),
            publishes=True,
            description="Give a user a role (role.assign); publishes rbac.role_changed.",
        ),
        Function(
            "unassign",
            Route("DELETE", "/api/v1/users/{userId}/roles/{role}"),
            tables=TABLES,
            calls=("cache",),
            publishes=True,
            description="Take a role from a user (role.assign); publishes rbac.role_changed.",
        ),
        Function(
            "tenant-export",
            Route("POST", "/internal/rbac/tenant-export"),
            tables=TABLES,
            description="A page of a tenant's roles and role assignments for its export (offboarding).",
        ),
        Function(
            "subscriber",
            Subscription(("tenant.deleting",)),
            tables=TABLES,
            publishes=True,
            timeout=30,
            description="Purge a deleted tenant's roles and assignments, a batch per round.",
        ),
    ),
)
