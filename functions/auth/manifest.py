from shared.declarations import Auth, Function, Layer, Route, Schedule, Service

SERVICE = Service(
    name="auth",
    layer=Layer.CORE,
    functions=(
        Function(
            "pre-validate",
            Route("POST", "/internal/auth/pre-validate", idempotent=True),
            description="Normalize a sign-up email and check the password rule before anything is written.",
        ),
        Function(
            "tokens",
            # A repeat signs another token for the same session (either works) and announces the same
            # login: user.login's id follows from the session (service.login_event_id).
            Route("POST", "/internal/auth/tokens", idempotent=True),
            publishes=True,
            signs_tokens=True,
            description="Sign an RS256 access token for an opened session; a login publishes user.login.",
        ),
        Function(
            "verify-token",
            Route("POST", "/internal/auth/verify-token", idempotent=True),
            description="The claims of a valid access token (401 INVALID_TOKEN / TOKEN_EXPIRED otherwise).",
        ),
        Function(
            "logout",
            Route("POST", "/internal/auth/logout"),
            calls=("cache",),
            publishes=True,
            description="Revoke the session in the cache and publish user.logout.",
        ),
        Function(
            "system-token",
            Route("POST", "/internal/auth/system-token"),
            signs_tokens=True,
            description="A 5-minute RS256 token typed `system`, for scheduled jobs.",
        ),
        Function(
            "jwks",
            Route("GET", "/.well-known/jwks.json", auth=Auth.PUBLIC),
            description="The public keys that verify access tokens (raw JWKS, not an envelope).",
        ),
        Function(
            "purge-sessions-job",
            Schedule("rate(1 day)"),
            calls=("auth", "cache", "monitoring"),
            publishes=True,
            timeout=120,
            description="Expired-session purge: system token → cache's purge endpoint → monitoring.",
        ),
    ),
)
