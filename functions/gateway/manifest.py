from shared.declarations import Auth, Function, Layer, Route, Service

SERVICE = Service(
    name="gateway",
    layer=Layer.APPLICATION,
    functions=(
        Function(
            "openapi",
            Route("GET", "/.well-known/openapi.json", auth=Auth.PUBLIC),
            description="The OpenAPI document of every declared route.",
        ),
    ),
)
