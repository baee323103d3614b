from shared.declarations import Auth, Authorizer, Function, Layer, Route, Service, Table

SERVICE = Service(
    name="gateway",
    layer=Layer.APPLICATION,
    tables=(Table("ratelimits", indexes=0),),
    functions=(
        Function(
            "openapi",
            Route("GET", "/.well-known/openapi.json", auth=Auth.PUBLIC),
            description="The OpenAPI document of every declared route.",
        ),
        Function(
            "register",
            Route("POST", "/api/v1/auth/register", auth=Auth.PUBLIC, status=201),
            tables=("ratelimits",),
            calls=("auth", "tenants", "users"),
            description="Seed 000 scenario 1: pre-validate, tenant, quota, user (with its default role).",
        ),
        Function(
            "login",
            Route("POST", "/api/v1/auth/login", auth=Auth.PUBLIC),
            tables=("ratelimits",),
            calls=("tenants", "users", "rbac", "cache", "auth"),
            description="Seed 000 scenario 2: credentials, permissions, session, tokens.",
        ),
        Function(
            "refresh",
            Route("POST", "/api/v1/auth/refresh", auth=Auth.PUBLIC),
            tables=("ratelimits",),
            calls=("cache", "tenants", "rbac", "auth"),
            description="A new token pair; the old refresh token stops working.",
        ),
        Function("logout", Route("POST", "/api/v1/auth/logout", status=204), calls=("auth",)),
        Function(
            "change-password", Route("POST", "/api/v1/auth/change-password", status=204), calls=("users",)
        ),
        Function(
            "create-tenant",
            Route("POST", "/api/v1/tenants", status=201),
            calls=("tenants", "users"),
            description="A platform admin creates a tenant and its admin user.",
        ),
        Function(
            "authorizer",
            Authorizer(),
            tables=("ratelimits",),
            calls=("cache", "rbac"),
            description="Verifies the access token, the session, the tenant and the rate limit.",
        ),
    ),
)
