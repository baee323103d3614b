from shared.declarations import Auth, Authorizer, Function, Layer, Route, Service, Subscription, Table

SERVICE = Service(
    name="gateway",
    layer=Layer.APPLICATION,
    tables=(Table("ratelimits", indexes=0), Table("apikeys")),
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
            calls=("tenants", "users"),
            description="Seed 000 scenario 1: tenant and seat, user (with its default role).",
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
            calls=("cache", "tenants", "rbac", "auth", "users"),
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
        # --- the emailed links (docs/identity.md, "Identity, completed") -------------------------------
        Function(
            "forgot-password",
            Route("POST", "/api/v1/auth/forgot-password", auth=Auth.PUBLIC, status=202),
            tables=("ratelimits",),
            calls=("tenants", "users", "notification"),
            description="A one-time reset link by email; 202 whether or not the address has an account.",
        ),
        Function(
            "reset-password",
            Route("POST", "/api/v1/auth/reset-password", auth=Auth.PUBLIC, status=204),
            tables=("ratelimits",),
            calls=("users",),
            description="A new password with a reset link's token (once); every session of the user ends.",
        ),
        Function(
            "verify-email",
            Route("POST", "/api/v1/auth/verify-email", auth=Auth.PUBLIC, status=204),
            tables=("ratelimits",),
            calls=("users",),
            description="Verify a user's email address with a verification link's token (once).",
        ),
        Function(
            "resend-verification",
            Route("POST", "/api/v1/auth/resend-verification", auth=Auth.PUBLIC, status=202),
            tables=("ratelimits",),
            calls=("tenants", "users", "notification"),
            description="A new verification link by email; 202 whatever the address.",
        ),
        Function(
            "invite",
            Route("POST", "/api/v1/invitations", status=201),
            calls=("rbac", "users", "notification"),
            description="Invite an address to roles the caller may grant (user.invite), by email.",
        ),
        Function(
            "accept-invitation",
            Route("POST", "/api/v1/auth/accept-invitation", auth=Auth.PUBLIC, status=201),
            tables=("ratelimits",),
            calls=("users", "tenants"),
            description="Accept an invitation: a user with exactly its roles, counted against maxUsers.",
        ),
        Function(
            "authorizer",
            Authorizer(),
            tables=("ratelimits", "apikeys"),
            calls=("cache", "rbac", "tenants"),
            description="Verifies the access token (or API key), the session, the tenant and the rate limit.",
        ),
        Function(
            "api-keys-create",
            Route("POST", "/api/v1/api-keys", status=201),
            tables=("apikeys",),
            description="A key for a machine client, within its creator's permissions (apikey.manage).",
        ),
        Function(
            "api-keys-list",
            Route("GET", "/api/v1/api-keys"),
            tables=("apikeys",),
            description="The tenant's API keys, without their secrets (apikey.manage).",
        ),
        Function(
            "api-keys-delete",
            Route("DELETE", "/api/v1/api-keys/{keyId}", status=204),
            tables=("apikeys",),
            description="Revoke an API key (apikey.manage).",
        ),
        # --- MFA and offboarding: docs/identity.md ---------------------------------------------------------
        Function(
            "mfa-verify",
            Route("POST", "/api/v1/auth/mfa/verify", auth=Auth.PUBLIC),
            tables=("ratelimits",),
            calls=("tenants", "users", "rbac", "cache", "auth"),
            description="A login's second step: the mfaToken and a TOTP or recovery code → the tokens.",
        ),
        Function(
            "subscriber",
            Subscription(("tenant.deleting", "user.created")),
            tables=("ratelimits", "apikeys"),
            calls=("users", "notification"),
            publishes=True,
            timeout=30,
            description="Purge a deleted tenant's rate-limit buckets and API keys; mail a sign-up's link.",
        ),
    ),
)
