"""users (business): user accounts per tenant, unique email per tenant, credentials and lockout."""

from shared.declarations import Function, Layer, Route, Service, Table

_TABLES = ("users",)

SERVICE = Service(
    name="users",
    layer=Layer.BUSINESS,
    tables=(Table("users"),),
    functions=(
        Function(
            "create",
            Route("POST", "/internal/users/create", status=201),
            tables=_TABLES,
            calls=("rbac",),
            publishes=True,
            description="Create a user (unique email per tenant) and give it its default role.",
        ),
        Function(
            "validate-credentials",
            Route("POST", "/internal/users/validate-credentials"),
            tables=_TABLES,
            description="Check an email and password, with lockout after repeated failures.",
        ),
        Function(
            "get-internal",
            Route("GET", "/internal/users/{userId}"),
            tables=_TABLES,
            description="One user of a tenant, for other services.",
        ),
        Function(
            "change-password",
            Route("POST", "/internal/users/{userId}/change-password"),
            tables=_TABLES,
            calls=("cache",),
            publishes=True,
            description="Replace a user's password after checking the current one.",
        ),
        Function("me", Route("GET", "/api/v1/users/me"), tables=_TABLES, description="The caller."),
        Function(
            "list",
            Route("GET", "/api/v1/users"),
            tables=_TABLES,
            description="The tenant's users, a page at a time.",
        ),
        Function("get", Route("GET", "/api/v1/users/{userId}"), tables=_TABLES, description="One user."),
        Function(
            "update",
            Route("PATCH", "/api/v1/users/{userId}"),
            tables=_TABLES,
            publishes=True,
            description="Change a user's profile.",
        ),
        Function(
            "delete",
            Route("DELETE", "/api/v1/users/{userId}", status=204),
            tables=_TABLES,
            calls=("cache", "rbac"),
            publishes=True,
            description="Delete a user, end its sessions and forget its roles.",
        ),
        Function(
            "suspend",
            Route("POST", "/api/v1/users/{userId}/suspend"),
            tables=_TABLES,
            calls=("cache",),
            publishes=True,
            description="Suspend a user and end its sessions.",
        ),
    ),
)
