from shared.declarations import Auth, Function, Layer, Route, Service

SERVICE = Service(
    name="monitoring",
    layer=Layer.INFRASTRUCTURE,
    functions=(
        Function(
            "health",
            Route("GET", "/internal/health", auth=Auth.PUBLIC),
            description="Per-dependency health: every table, the bus and the bucket.",
            inspects_platform=True,
        ),
    ),
)
