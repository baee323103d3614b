"""graphql (edge): one read API over the platform at `POST /api/v1/graphql` (docs/graphql.md). It owns no
table: every field is read from the owning service through its typed client, for the caller (the user
context travels with each call, so the callee applies its own tenant and permission rules). It sits above
the application layer because files is an application service."""

from shared.declarations import Function, Layer, Route, Service

SERVICE = Service(
    name="graphql",
    layer=Layer.EDGE,
    functions=(
        Function(
            "query",
            Route("POST", "/api/v1/graphql"),
            calls=("users", "rbac", "files", "notification", "audit"),
            timeout=29,
            description="Run a GraphQL read query (depth, cost and alias limits; batched loaders).",
        ),
    ),
)
