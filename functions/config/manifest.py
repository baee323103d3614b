"""config (core): typed, versioned configuration documents per scope (platform < plan < tenant < app) and
the feature flags evaluated from them (docs/config-center.md)."""

from shared.declarations import Function, Layer, Route, Service, Subscription, Table

TABLES = ("config",)

SERVICE = Service(
    name="config",
    layer=Layer.CORE,
    tables=(Table("config", indexes=0, ttl_attribute=None),),
    functions=(
        Function(
            "get",
            Route("GET", "/api/v1/config/{scope}/{key}"),
            tables=TABLES,
            description="A key's effective value at a scope and what each scope contributed (config.read).",
        ),
        Function(
            "put",
            Route("PUT", "/api/v1/config/{scope}/{key}"),
            tables=TABLES,
            publishes=True,
            description="Write a scope's document of a key, validated and versioned (config.write).",
        ),
        Function(
            "versions",
            Route("GET", "/api/v1/config/{scope}/{key}/versions"),
            tables=TABLES,
            description="Every version of a scope's document of a key, newest first (config.read).",
        ),
        Function(
            "rollback",
            Route("POST", "/api/v1/config/{scope}/{key}/rollback"),
            tables=TABLES,
            publishes=True,
            description="Write an earlier version again as a new one (config.write); config.changed.",
        ),
        Function(
            "flags",
            Route("GET", "/api/v1/flags"),
            tables=TABLES,
            description="Every feature flag, evaluated for the caller.",
        ),
        Function(
            "subscriber",
            Subscription(("tenant.created", "tenant.plan_changed", "config.changed", "tenant.deleting")),
            tables=TABLES,
            publishes=True,  # tenant.purge_progress (offboarding)
            timeout=30,
            description="Each tenant's plan (a projection) and this container's flag cache.",
        ),
    ),
)
