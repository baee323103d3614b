"""graphql (edge): one read API over the platform at `POST /api/v1/graphql` (docs/graphql.md). It owns no
table: every field is read from the owning service through its typed client, for the caller (the user
context travels with each call, so the callee applies its own tenant and permission rules). It sits above
the application layer because files (and every app) is an application service: apps' types are read through
each app's GraphQL read route (shared.app_graphql), acting for the caller behind the app's gate."""

from functions.graphql import app_types
from shared.declarations import Function, Layer, Route, Service

SERVICE = Service(
    name="graphql",
    layer=Layer.EDGE,
    functions=(
        Function(
            "query",
            Route("POST", "/api/v1/graphql"),
            # ...and each in-repo app that adds types (app_types.json, written from the catalog)
            calls=("users", "rbac", "files", "notification", "audit", *app_types.callees()),
            timeout=29,
            description="Run a GraphQL read query (depth, cost and alias limits; batched loaders).",
        ),
    ),
)
